package dev.raptor.core.stats;

import dev.raptor.core.console.ServerRuns;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.StatsSample;
import dev.raptor.core.runtime.StreamSink;
import dev.raptor.core.runtime.Subscription;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.watch.ServerWatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;

/**
 * The resource readings of one watched server: its one engine stats stream, and a pump that every
 * {@link StatsSettings#publishEvery()} folds the latest sample, state, uptime and cached disk usage
 * into one {@link ServerStats} for the subscribers to pick up. Exists while the server has subscribers.
 * Only the pump calls the engine; the engine's reader thread only replaces {@link #sample}.
 */
final class ServerStatsFeed extends ServerWatch<StatsSubscription> {
    private static final Logger log = LoggerFactory.getLogger(ServerStatsFeed.class);

    private final ContainerRuntime runtime;
    private final ServerRuns runs;
    private final DiskUsage disk;
    private final StatsSettings settings;
    private final AtomicInteger openStreams;

    /** Signalled when a new reading is published, and on end. */
    final Condition published = lock.newCondition();
    /** The latest published reading and its version; guarded by {@link #lock}. */
    private ServerStats current;
    private long version;

    private volatile StatsSample sample;
    private volatile int activeGen;
    private int lastGen;
    private Stream stream;
    /** Pump-only: when the next reading is due, and when a stream last ended (or could not be opened). */
    private long nextTick = System.nanoTime();
    private long lastEnd;

    private record Started(ContainerRef ref, Instant startedAt) {
    }

    private record Ended(int gen, Throwable error) {
    }

    private record Poke() {
    }

    ServerStatsFeed(UUID serverId, ContainerRuntime runtime, ServerRuns runs, DiskUsage disk, StatsSettings settings,
                    AtomicInteger openStreams) {
        super(serverId, "stats");
        this.runtime = runtime;
        this.runs = runs;
        this.disk = disk;
        this.settings = settings;
        this.openStreams = openStreams;
        this.lastEnd = System.nanoTime() - settings.recheckEvery().toNanos();
    }

    // ------------------------------------------------------------------ subscribers

    StatsSubscription add(StatsHub hub, StatsListener listener) {
        return add(() -> new StatsSubscription(hub, this, listener));
    }

    /** The published reading newer than {@code seen}, or null; callers hold {@link #lock}. */
    ServerStats newerThan(long seen) {
        return version > seen ? current : null;
    }

    long version() {
        return version;
    }

    void end(StatsListener.EndReason reason) {
        for (StatsSubscription s : endWatch()) {
            s.endByHub(reason);
        }
    }

    @Override
    protected void onEnding() {
        published.signalAll();
    }

    // ------------------------------------------------------------------ events in

    void containerStarted(ContainerRef ref, Instant startedAt) {
        post(new Started(ref, startedAt));
    }

    /** Publish now rather than at the next tick (a state change). */
    void poke() {
        post(new Poke());
    }

    /** A reading computed now from what is known, without waiting for anything. */
    ServerStats readNow() {
        Optional<ServerRuns.Run> run = runs.current(serverId);
        ServerState state = run.map(ServerRuns.Run::state).orElse(ServerState.OFFLINE);
        Instant startedAt = run.map(ServerRuns.Run::startedAt).orElse(null);
        return ServerStats.of(serverId, Instant.now(), state, startedAt, sample, disk.cached(serverId).orElse(0));
    }

    // ------------------------------------------------------------------ the pump

    @Override
    protected Duration nextWait() {
        return Duration.ofNanos(Math.max(0, nextTick - System.nanoTime()));
    }

    @Override
    protected void onCommand(Object command) {
        switch (command) {
            case Started s -> {
                if (stream == null || !stream.containerId.equals(s.ref().id()) || !Objects.equals(s.startedAt(), stream.startedAt)) {
                    closeStream();
                    openStream(s.ref(), s.startedAt());
                }
                publish();
            }
            case Ended e -> {
                if (stream != null && stream.gen == e.gen()) {
                    closeStream();
                    lastEnd = System.nanoTime();
                    if (e.error() != null) {
                        log.debug("server={} stats stream failed: {}", serverId, e.error().toString());
                    }
                }
                publish();
            }
            case Poke p -> publish();
            case null -> {
                nextTick = System.nanoTime() + settings.publishEvery().toNanos();
                if (stream == null && System.nanoTime() - lastEnd >= settings.recheckEvery().toNanos()) {
                    Optional<ServerRuns.Run> run = runs.current(serverId);
                    if (run.isPresent() && run.get().live()) {
                        openStream(run.get().container(), run.get().startedAt());
                    }
                    if (stream == null) {
                        lastEnd = System.nanoTime();
                    }
                }
                disk.refresh(serverId, settings.diskRefreshEvery());
                publish();
            }
            default -> throw new IllegalStateException("unknown command " + command);
        }
    }

    @Override
    protected void pumpEnded() {
        closeStream();
    }

    private void publish() {
        ServerStats now = readNow();
        lock.lock();
        try {
            if (!now.sameReadingAs(current)) {
                current = now;
                version++;
                published.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void openStream(ContainerRef ref, Instant startedAt) {
        int gen = ++lastGen;
        Stream st = new Stream(gen, ref.id(), startedAt);
        sample = null;
        activeGen = gen;
        try {
            st.subscription = runtime.stats(ref, st);
        } catch (RuntimeException e) {
            activeGen = 0;
            log.debug("server={} could not open the stats stream: {}", serverId, e.toString());
            return;
        }
        openStreams.incrementAndGet();
        stream = st;
    }

    private void closeStream() {
        Stream st = stream;
        if (st == null) {
            return;
        }
        stream = null;
        activeGen = 0;
        sample = null;
        try {
            st.subscription.close();
        } catch (RuntimeException e) {
            log.debug("server={} closing stats stream: {}", serverId, e.toString());
        }
        openStreams.decrementAndGet();
    }

    private final class Stream implements StreamSink<StatsSample> {
        final int gen;
        final String containerId;
        final Instant startedAt;
        volatile Subscription subscription;

        Stream(int gen, String containerId, Instant startedAt) {
            this.gen = gen;
            this.containerId = containerId;
            this.startedAt = startedAt;
        }

        @Override
        public void next(StatsSample item) {
            if (activeGen == gen) {
                sample = item;
            }
        }

        @Override
        public void end(Throwable error) {
            post(new Ended(gen, error));
        }
    }
}
