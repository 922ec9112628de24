package dev.raptor.core.stats;

import dev.raptor.core.console.ServerRuns;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.StatsReading;
import dev.raptor.core.runtime.StatsSample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Readings of running servers that somebody wants figures of but nobody watches live (the metrics of every
 * running server): every {@link StatsSettings#sampleEvery()} one {@link ContainerRuntime#readStats} per such
 * server, at most {@link StatsSettings#sampleConcurrency()} at a time on virtual threads, then nothing open
 * until the next round. So a node's metrics cost one thread and a few pooled engine connections, not a stream,
 * a thread and a connection per running server.
 *
 * <p>CPU is computed here from two successive readings of the same run (CPU time used between them over the
 * engine's time between them, in percent of one core); a run's first reading shows 0, as the engine's own first
 * reading does. A runtime that does not report CPU time gives its own figure.
 */
final class BackgroundSampler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackgroundSampler.class);

    private final ContainerRuntime runtime;
    private final ServerRuns runs;
    private final StatsSettings settings;
    /** Servers watched live: their watch's stream has fresher readings, so they are not read here. */
    private final Predicate<UUID> watchedLive;
    /** Who wants a server read, counted by registration. */
    private final Map<UUID, AtomicInteger> wanted = new ConcurrentHashMap<>();
    private final Map<UUID, Taken> taken = new ConcurrentHashMap<>();
    private final AtomicLong reads = new AtomicLong();
    private final Object startLock = new Object();
    private volatile Thread loop;
    private volatile boolean closed;

    /** The last reading of a run, with the CPU time it reported (for the next one's CPU). */
    private record Taken(String containerId, Instant startedAt, StatsSample sample, long cpuTotalNanos) {
        boolean of(ServerRuns.Run run) {
            return run.container() != null && run.container().id().equals(containerId)
                    && java.util.Objects.equals(run.startedAt(), startedAt);
        }
    }

    BackgroundSampler(ContainerRuntime runtime, ServerRuns runs, StatsSettings settings, Predicate<UUID> watchedLive) {
        this.runtime = runtime;
        this.runs = runs;
        this.settings = settings;
        this.watchedLive = watchedLive;
    }

    /** Reads {@code serverId} in the background while it runs, until the returned handle is closed. */
    BackgroundSampling want(UUID serverId) {
        if (closed) {
            throw new IllegalStateException("the stats hub is closed");
        }
        wanted.computeIfAbsent(serverId, id -> new AtomicInteger()).incrementAndGet();
        start();
        return new BackgroundSampling(() -> wanted.computeIfPresent(serverId, (id, n) -> {
            if (n.decrementAndGet() > 0) {
                return n;
            }
            taken.remove(id);
            return null;
        }));
    }

    /** The last background reading of {@code run}, the server's current run; null when none was taken of it. */
    StatsSample of(UUID serverId, ServerRuns.Run run) {
        Taken t = taken.get(serverId);
        return t != null && t.of(run) ? t.sample() : null;
    }

    /** Readings taken so far (for tests and the bench: the engine calls this costs). */
    long reads() {
        return reads.get();
    }

    /** Servers somebody wants read in the background right now. */
    int wantedServers() {
        return wanted.size();
    }

    void forget(UUID serverId) {
        taken.remove(serverId);
    }

    private void start() {
        synchronized (startLock) {
            if (loop != null || closed) {
                return;
            }
            loop = Thread.ofVirtual().name("stats-background-sampler").start(() -> {
                while (!closed) {
                    try {
                        round();
                        Thread.sleep(settings.sampleEvery());
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        log.warn("stats: background round failed: {}", e.toString());
                    }
                }
            });
        }
    }

    /** One reading of every wanted running server not watched live; returns when all are in (or timed out). */
    private void round() throws InterruptedException {
        Semaphore permits = new Semaphore(settings.sampleConcurrency());
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (UUID id : wanted.keySet()) {
                Optional<ServerRuns.Run> run = runs.current(id);
                if (run.isEmpty() || !run.get().live()) {
                    taken.remove(id);
                    continue;
                }
                if (watchedLive.test(id)) {
                    continue;
                }
                permits.acquire();
                readers.submit(() -> {
                    try {
                        read(id, run.get());
                    } finally {
                        permits.release();
                    }
                });
            }
        }
    }

    private void read(UUID id, ServerRuns.Run run) {
        Optional<StatsReading> reading;
        try {
            reading = runtime.readStats(run.container(), Deadline.in(settings.engineTimeout()));
        } catch (RuntimeException e) {
            log.debug("server={} background stats failed: {}", id, e.toString());
            return;
        }
        reads.incrementAndGet();
        if (reading.isEmpty()) {
            taken.remove(id);
            return;
        }
        StatsReading r = reading.get();
        StatsSample s = r.sample();
        double cpu = s.cpuAbsolute();
        Taken before = taken.get(id);
        if (r.knowsCpuTime()) {
            cpu = 0;
            if (before != null && before.of(run) && before.cpuTotalNanos() >= 0) {
                long wallNanos = Duration.between(before.sample().at(), s.at()).toNanos();
                long cpuNanos = r.cpuTotalNanos() - before.cpuTotalNanos();
                cpu = wallNanos <= 0 ? before.sample().cpuAbsolute() : Math.max(0, cpuNanos) * 100.0 / wallNanos;
            }
        }
        StatsSample sample = new StatsSample(s.serverId(), s.at(), s.memoryBytes(), s.memoryLimitBytes(), cpu, s.rxBytes(),
                s.txBytes(), s.pids());
        if (wanted.containsKey(id)) {
            taken.put(id, new Taken(run.container().id(), run.startedAt(), sample, r.cpuTotalNanos()));
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (startLock) {
            t = loop;
        }
        if (t != null) {
            t.interrupt();
        }
        wanted.clear();
        taken.clear();
    }
}
