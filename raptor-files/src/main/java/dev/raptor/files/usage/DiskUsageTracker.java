package dev.raptor.files.usage;

import dev.raptor.core.stats.DiskReading;
import dev.raptor.core.stats.DiskUsageSource;
import dev.raptor.files.NotFoundException;
import dev.raptor.files.jail.Jail;
import dev.raptor.files.jail.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Disk usage of every server on the node, measured in the background and never waited for: {@link #figure}
 * answers at once with the last figure (and its age), or "unknown" before the first scan; the jail keeps the
 * figure current between scans with its own writes and deletes ({@link ServerUsage}); a scheduler rescans each
 * tracked server when its figure is older than {@link UsageSettings#refreshEvery()}.
 *
 * <p>Scans run on a few dedicated platform threads at minimum priority, not on virtual threads: a scan is a long
 * run of native calls, which would hold a virtual thread's carrier the whole time (the HTTP handlers' carriers).
 * A boot or a start never waits for one (the anchor complaint: a boot blocked ten minutes by a scan).
 */
public final class DiskUsageTracker implements DiskUsageSource, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DiskUsageTracker.class);

    private final Path volumesRoot;
    private final UsageSettings settings;
    private final Map<UUID, ServerUsage> servers = new ConcurrentHashMap<>();
    private final Map<UUID, CompletableFuture<UsageFigure>> queued = new ConcurrentHashMap<>();
    private final List<UsageListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService scanners;
    private final ScheduledExecutorService scheduler;
    private volatile boolean closed;

    public DiskUsageTracker(Path volumesRoot, UsageSettings settings) {
        this.volumesRoot = volumesRoot;
        this.settings = settings;
        this.scanners = new ThreadPoolExecutor(settings.scansAtOnce(), settings.scansAtOnce(), 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threads("disk-usage-scan"));
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, threads("disk-usage-schedule"));
        s.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.scheduler = s;
        long tick = Math.max(1, Math.min(settings.refreshEvery().toSeconds() / 4, 60));
        scheduler.scheduleWithFixedDelay(this::refreshStale, tick, tick, TimeUnit.SECONDS);
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        };
    }

    public void addListener(UsageListener listener) {
        listeners.add(listener);
    }

    /**
     * Starts tracking a server (or updates its limit): it gets a first scan now unless it has a figure, and a
     * rescan whenever its figure is older than the refresh interval.
     */
    public ServerUsage track(UUID serverId, long limitBytes) {
        ServerUsage u = servers.computeIfAbsent(serverId, id -> new ServerUsage());
        u.limit(limitBytes);
        if (!u.everMeasured()) {
            requestScan(serverId);
        }
        return u;
    }

    /** The ledger of a tracked server (tracking it, with no limit known, if it was not). */
    public ServerUsage usage(UUID serverId) {
        ServerUsage u = servers.get(serverId);
        return u != null ? u : track(serverId, 0);
    }

    /** The figure now, without waiting; asks for a first scan when there has been none. */
    public UsageFigure figure(UUID serverId) {
        return usage(serverId).figure();
    }

    /** The figure as the stats hub reads it (core's port): at once, never waiting for a scan. */
    @Override
    public DiskReading reading(UUID serverId) {
        UsageFigure f = figure(serverId);
        return new DiskReading(f.bytes(), f.measuredAt(), f.scanning(), f.limitBytes());
    }

    /** Stops tracking a deleted server. */
    @Override
    public void forget(UUID serverId) {
        servers.remove(serverId);
    }

    /**
     * Asks for a scan soon (coalesced with one already waiting); the future completes with the figure after it.
     * Nobody has to wait for it: this is for callers that want to know when a fresh figure exists.
     */
    public CompletableFuture<UsageFigure> requestScan(UUID serverId) {
        CompletableFuture<UsageFigure> fresh = new CompletableFuture<>();
        CompletableFuture<UsageFigure> existing = queued.putIfAbsent(serverId, fresh);
        if (existing != null) {
            return existing;
        }
        if (closed) {
            queued.remove(serverId, fresh);
            fresh.cancel(false);
            return fresh;
        }
        scanners.execute(() -> runScan(serverId, fresh));
        return fresh;
    }

    private void runScan(UUID serverId, CompletableFuture<UsageFigure> done) {
        queued.remove(serverId, done);
        ServerUsage u = servers.get(serverId);
        if (u == null || closed) {
            done.cancel(false);
            return;
        }
        u.scanStarted();
        long started = System.nanoTime();
        try (Session s = new Jail(volumesRoot.resolve(serverId.toString())).open()) {
            TreeSize.Result r = TreeSize.measure(s, () -> closed, settings.observer());
            u.scanFinished(r.bytes(), Instant.now(settings.clock()));
            log.atDebug().addKeyValue("server", serverId).addKeyValue("bytes", r.bytes()).addKeyValue("files", r.files())
                    .addKeyValue("ms", (System.nanoTime() - started) / 1_000_000).log("disk usage measured");
        } catch (NotFoundException e) {
            u.scanFinished(0, Instant.now(settings.clock())); // no directory yet: nothing used
        } catch (InterruptedException e) {
            u.scanFailed();
            done.cancel(false);
            return;
        } catch (Exception | Error e) {
            u.scanFailed();
            log.atWarn().addKeyValue("server", serverId).addKeyValue("error", e.toString()).log("disk usage scan failed");
            done.completeExceptionally(e);
            return;
        }
        UsageFigure f = u.figure();
        for (UsageListener l : listeners) {
            try {
                if (f.overLimit()) {
                    l.overLimit(serverId, f.bytes().getAsLong(), f.limitBytes());
                } else {
                    l.withinLimit(serverId);
                }
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("server", serverId).addKeyValue("error", e.toString()).log("usage listener failed");
            }
        }
        done.complete(f);
    }

    private void refreshStale() {
        Instant now = Instant.now(settings.clock());
        servers.forEach((id, u) -> {
            UsageFigure f = u.figure();
            if (!f.scanning() && (f.measuredAt() == null || f.measuredAt().plus(settings.refreshEvery()).isBefore(now))) {
                requestScan(id);
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        scanners.shutdownNow();
        try {
            scanners.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
