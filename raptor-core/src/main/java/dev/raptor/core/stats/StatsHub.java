package dev.raptor.core.stats;

import dev.raptor.core.console.ServerRuns;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.StatsSample;
import dev.raptor.core.runtime.StreamSink;
import dev.raptor.core.runtime.Subscription;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.watch.WatchRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Resource readings for everybody watching: one engine stats stream per watched server while anybody
 * listens, the latest reading handed to every subscriber about once a second (latest-value, so no
 * queue can grow), with uptime, state and the data directory's disk usage, which is measured in the
 * background and cached ({@link DiskUsage}) so that publishing never waits on the disk.
 */
public final class StatsHub implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatsHub.class);

    private final ContainerRuntime runtime;
    private final ServerRuns runs;
    private final StatsSettings settings;
    private final DiskUsage disk;
    private final AtomicInteger openStreams = new AtomicInteger();
    private final WatchRegistry<ServerStatsFeed, StatsSubscription> feeds;

    /**
     * @param volumesRoot the directory holding one data directory per server ({@code ControllerSettings.volumesRoot()})
     */
    public StatsHub(ContainerRuntime runtime, ServerRuns runs, EventBus bus, Path volumesRoot, StatsSettings settings) {
        this.runtime = runtime;
        this.runs = runs;
        this.settings = settings;
        this.disk = new DiskUsage(volumesRoot, settings.diskScansAtOnce());
        this.feeds = new WatchRegistry<>("stats hub", id -> new ServerStatsFeed(id, runtime, runs, disk, settings, openStreams),
                bus, e -> e instanceof ServerEvent.ContainerStarted || e instanceof ServerEvent.StateChanged, disk::forget);
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
     * One reading for {@code GET …/stats}: the watched server's latest (once it has one), otherwise a short-lived engine
     * stream's (waiting at most {@link StatsSettings#engineTimeout()} for a reading with a CPU delta).
     * Disk usage comes from the cache, refreshed if stale, waiting for a scan at most one second.
     *
     * @throws ServerNotFoundException when the server does not exist
     */
    public ServerStats snapshot(UUID serverId) {
        ServerRuns.Run run = runs.current(serverId).orElseThrow(() -> new ServerNotFoundException(serverId));
        ServerStatsFeed feed = feeds.watch(serverId);
        if (feed != null) {
            ServerStats now = feed.readNow();
            if (now.sampled() || !run.live()) {
                return now;
            }
            // watched, but the run began too recently for a reading: wait for the engine's, as for a server nobody watches
        }
        StatsSample sample = run.live() ? readOnce(run.container()) : null;
        long bytes = disk.await(serverId, settings.diskRefreshEvery(), Duration.ofSeconds(1)).orElse(0);
        ServerRuns.Run after = runs.current(serverId).orElse(run);
        return ServerStats.of(serverId, Instant.now(), after.state(), after.startedAt(), sample, bytes);
    }

    /** The engine's second reading (the first has no CPU delta), or the first if the second is late. */
    private StatsSample readOnce(ContainerRef ref) {
        AtomicReference<StatsSample> latest = new AtomicReference<>();
        CountDownLatch two = new CountDownLatch(2);
        Subscription s;
        try {
            s = runtime.stats(ref, new StreamSink<>() {
                @Override
                public void next(StatsSample item) {
                    latest.set(item);
                    two.countDown();
                }

                @Override
                public void end(Throwable error) {
                    two.countDown();
                    two.countDown();
                }
            });
        } catch (RuntimeException e) {
            log.debug("server={} stats snapshot: {}", ref.serverId(), e.toString());
            return null;
        }
        openStreams.incrementAndGet();
        try {
            two.await(settings.engineTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            s.close();
            openStreams.decrementAndGet();
        }
        return latest.get();
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

    public DiskUsage diskUsage() {
        return disk;
    }

    @Override
    public void close() {
        feeds.close();
        disk.close();
    }
}
