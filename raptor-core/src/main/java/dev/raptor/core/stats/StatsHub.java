package dev.raptor.core.stats;

import dev.raptor.core.console.ServerRuns;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.StatsSample;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.watch.WatchRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Resource readings for everybody watching: one engine stats stream per watched server while anybody
 * listens, the latest reading handed to every subscriber about once a second (latest-value, so no
 * queue can grow), with uptime, state and the disk usage of the server's files, read from a
 * {@link DiskUsageSource} that measures in the background, so that publishing never waits on the disk.
 *
 * <p>A one-shot reading ({@link #snapshot}) answers at once with the latest reading of the server's run
 * ({@link LastSamples}); to keep that fresh for a client that polls, the server stays watched for
 * {@link StatsSettings#warmFor()} after each one. Only the first read of a run nobody watched waits for the
 * engine. Neither a snapshot nor a new subscriber is ever shown zeros while a real reading exists.
 */
public final class StatsHub implements AutoCloseable {

    private final ContainerRuntime runtime;
    private final ServerRuns runs;
    private final StatsSettings settings;
    private final DiskUsageSource disk;
    private final AtomicInteger openStreams = new AtomicInteger();
    private final WatchRegistry<ServerStatsFeed, StatsSubscription> feeds;
    private final LastSamples last;
    private final BackgroundSampler background;
    /** Servers kept watched after a one-shot read: their subscription and when they were last read (nanoTime). */
    private final Map<UUID, Warm> warm = new ConcurrentHashMap<>();
    private final ReentrantLock warmLock = new ReentrantLock();
    private volatile Thread warmSweeper;
    private volatile boolean closed;

    private record Warm(StatsSubscription subscription, AtomicLong lastRead) {
    }

    /**
     * @param disk the servers' disk usage, read without waiting (the files module's tracker in the daemon)
     */
    public StatsHub(ContainerRuntime runtime, ServerRuns runs, EventBus bus, DiskUsageSource disk, StatsSettings settings) {
        this.runtime = runtime;
        this.runs = runs;
        this.settings = settings;
        this.disk = disk;
        this.last = new LastSamples(settings.warmFor().multipliedBy(5));
        this.background = new BackgroundSampler(runtime, runs, settings, this::watchedLive);
        this.feeds = new WatchRegistry<>("stats hub", id -> new ServerStatsFeed(id, runtime, runs, disk, settings, openStreams, last),
                bus, e -> e instanceof ServerEvent.ContainerStarted || e instanceof ServerEvent.StateChanged, id -> {
                    disk.forget(id);
                    last.forget(id);
                    background.forget(id);
                    Warm w = warm.remove(id);
                    if (w != null) {
                        w.subscription().close();
                    }
                });
    }

    public StatsSettings settings() {
        return settings;
    }

    /**
     * Starts handing the server's readings to {@code listener}: the current one at once, then each
     * change about once per {@link StatsSettings#publishEvery()}. Does not check that the server exists.
     *
     * @throws IllegalStateException when the hub is closed
     */
    public StatsSubscription subscribe(UUID serverId, StatsListener listener) {
        return feeds.subscribe(serverId, feed -> feed.add(listener));
    }

    /**
     * One reading for {@code GET …/stats} and a console's {@code send stats}, at once: the latest reading of the
     * server's current run, from its watch or remembered from one ({@link LastSamples}). The server then stays
     * watched for {@link StatsSettings#warmFor()}, so that the next read is as fresh. Only when nothing of this run
     * was ever read does it wait, for the engine's second reading (the first has no CPU delta), at most
     * {@link StatsSettings#engineTimeout()}. Disk usage is the source's last figure: never waited for.
     *
     * @throws ServerNotFoundException when the server does not exist
     */
    public ServerStats snapshot(UUID serverId) {
        ServerRuns.Run run = runs.current(serverId).orElseThrow(() -> new ServerNotFoundException(serverId));
        if (!run.live()) {
            ServerStatsFeed feed = feeds.watch(serverId);
            return feed != null ? feed.readNow() : ServerStats.of(serverId, Instant.now(), run.state(), run.startedAt(), null, disk.reading(serverId));
        }
        ServerStatsFeed feed = keepWarm(serverId);
        ServerStats now = feed.readNow();
        if (now.sampled()) {
            return now;
        }
        Optional<StatsSample> known = run.container() == null ? Optional.empty()
                : last.of(serverId, run.container().id(), run.startedAt());
        if (known.isEmpty()) {
            try {
                if (!feed.awaitReadings(2, settings.engineTimeout())) {
                    feed.awaitReadings(1, Duration.ZERO);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ServerRuns.Run after = runs.current(serverId).orElse(run);
        StatsSample sample = known.orElseGet(() -> after.container() == null ? null
                : last.of(serverId, after.container().id(), after.startedAt()).orElse(null));
        return ServerStats.of(serverId, Instant.now(), after.state(), after.startedAt(), sample, disk.reading(serverId));
    }

    /**
     * Keeps {@code serverId} read while it runs, without a live watch: every {@link StatsSettings#sampleEvery()} one
     * {@link ContainerRuntime#readStats} (a few at a time for the whole node), skipped while somebody watches it live.
     * For figures that are wanted for every running server but need not be live (the metrics), so that they cost
     * no stream, thread or engine connection per server. Read the figures with {@link #latest}.
     *
     * @throws IllegalStateException when the hub is closed
     */
    public BackgroundSampling sampleInBackground(UUID serverId) {
        if (closed) {
            throw new IllegalStateException("the stats hub is closed");
        }
        return background.want(serverId);
    }

    /**
     * The freshest reading known right now, without waiting or calling the engine: the live watch's while somebody
     * watches the server (about once a second), else the newer of the last background reading of its current run
     * ({@link #sampleInBackground}) and the last reading a live watch of this run took; not {@link ServerStats#sampled() sampled} when there is neither (an offline
     * server, or one whose first reading has not been taken yet).
     */
    public ServerStats latest(UUID serverId) {
        ServerStatsFeed feed = feeds.watch(serverId);
        if (feed != null) {
            ServerStats live = feed.readNow();
            if (live.sampled()) {
                return live;
            }
        }
        Optional<ServerRuns.Run> run = runs.current(serverId);
        if (run.isEmpty()) {
            return ServerStats.of(serverId, Instant.now(), ServerState.OFFLINE, null, null,
                    disk.reading(serverId));
        }
        ServerRuns.Run r = run.get();
        StatsSample sample = null;
        if (r.live()) {
            // a live watch that just ended remembered its last reading: newer than the background's, until the next round
            StatsSample sampled = background.of(serverId, r);
            StatsSample watched = last.of(serverId, r.container().id(), r.startedAt()).orElse(null);
            sample = sampled == null || watched != null && watched.at().isAfter(sampled.at()) ? watched : sampled;
        }
        return ServerStats.of(serverId, Instant.now(), r.state(), r.startedAt(), sample, disk.reading(serverId));
    }

    /** Servers registered with {@link #sampleInBackground} right now (tests prove a deleted server's is released). */
    public int backgroundServers() {
        return background.wantedServers();
    }

    /** Whether somebody watches the server live: its watch's stream reads it, the background need not. */
    private boolean watchedLive(UUID serverId) {
        return feeds.watch(serverId) != null;
    }

    /** Background readings taken so far ({@link #sampleInBackground}): what they cost the engine, for tests and benches. */
    public long backgroundReads() {
        return background.reads();
    }

    /** Keeps the server watched until {@link StatsSettings#warmFor()} after this read, and returns its watch. */
    private ServerStatsFeed keepWarm(UUID serverId) {
        warmLock.lock();
        try {
            Warm w = warm.get(serverId);
            if (w != null && w.subscription().isOpen()) {
                w.lastRead().set(System.nanoTime());
            } else {
                StatsSubscription s = feeds.subscribe(serverId, feed -> feed.add(reading -> {
                }));
                warm.put(serverId, new Warm(s, new AtomicLong(System.nanoTime())));
                startWarmSweeper();
            }
        } finally {
            warmLock.unlock();
        }
        ServerStatsFeed feed = feeds.watch(serverId);
        if (feed == null) {
            throw new IllegalStateException("the stats hub is closed");
        }
        return feed;
    }

    /** One thread for the hub: ends the warm watches nobody read for {@link StatsSettings#warmFor()}. */
    private void startWarmSweeper() {
        if (warmSweeper != null || closed) {
            return;
        }
        Duration every = settings.warmFor().dividedBy(4).compareTo(Duration.ofMillis(10)) < 0 ? Duration.ofMillis(10)
                : settings.warmFor().dividedBy(4);
        warmSweeper = Thread.ofVirtual().name("stats-warm-sweeper").start(() -> {
            while (!closed) {
                try {
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                warm.forEach((id, w) -> {
                    if (now - w.lastRead().get() > settings.warmFor().toNanos() || !w.subscription().isOpen()) {
                        warmLock.lock();
                        try {
                            if (warm.remove(id, w)) {
                                w.subscription().close();
                            }
                        } finally {
                            warmLock.unlock();
                        }
                    }
                });
            }
        });
    }

    // ------------------------------------------------------------------ counters

    public int subscriberCount() {
        return feeds.subscriberCount();
    }

    public int subscriberCount(UUID serverId) {
        return feeds.subscriberCount(serverId);
    }

    public int watchedServers() {
        return feeds.watchedServers();
    }

    /** Engine stats streams this hub holds open right now. */
    public int openEngineStreams() {
        return openStreams.get();
    }

    @Override
    public void close() {
        closed = true;
        Thread sweeper = warmSweeper;
        if (sweeper != null) {
            sweeper.interrupt();
        }
        warm.clear();
        background.close();
        feeds.close();
    }
}
