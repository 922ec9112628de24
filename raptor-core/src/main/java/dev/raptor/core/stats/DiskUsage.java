package dev.raptor.core.stats;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The size of each server's data directory ({@code <volumesRoot>/<uuid>}), measured in the
 * background and cached. Readers never wait for a scan (a slow disk-usage walk is a classic way for
 * a daemon to stall); at most one scan per server runs, and only a few node-wide.
 */
public final class DiskUsage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DiskUsage.class);

    private final Path volumesRoot;
    private final Semaphore scans;
    private final Map<UUID, Measured> cache = new ConcurrentHashMap<>();
    private final Map<UUID, CompletableFuture<Long>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong completedScans = new AtomicLong();
    private volatile boolean closed;

    private record Measured(long bytes, long atNanos) {
    }

    public DiskUsage(Path volumesRoot, int scansAtOnce) {
        this.volumesRoot = volumesRoot;
        this.scans = new Semaphore(scansAtOnce);
    }

    /** The last measurement, without waiting; empty before the first. */
    public OptionalLong cached(UUID serverId) {
        Measured m = cache.get(serverId);
        return m == null ? OptionalLong.empty() : OptionalLong.of(m.bytes());
    }

    /** Starts a background scan unless the last measurement is younger than {@code maxAge} or one is running. */
    public void refresh(UUID serverId, Duration maxAge) {
        Measured m = cache.get(serverId);
        if (closed || (m != null && System.nanoTime() - m.atNanos() < maxAge.toNanos())) {
            return;
        }
        scan(serverId);
    }

    /**
     * A measurement no older than {@code maxAge}, waiting at most {@code timeout} for a scan; the last
     * (stale) measurement, or empty, when the scan takes longer.
     */
    public OptionalLong await(UUID serverId, Duration maxAge, Duration timeout) {
        refresh(serverId, maxAge);
        CompletableFuture<Long> f = inFlight.get(serverId);
        if (f != null) {
            try {
                return OptionalLong.of(f.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            } catch (TimeoutException | ExecutionException e) {
                // fall back to the cache
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return cached(serverId);
    }

    /** Drops what is known about a deleted server. */
    public void forget(UUID serverId) {
        cache.remove(serverId);
    }

    /** Scans running or waiting for a slot. */
    public int scansInFlight() {
        return inFlight.size();
    }

    /** Scans finished since start (for tests). */
    public long completedScans() {
        return completedScans.get();
    }

    private void scan(UUID serverId) {
        CompletableFuture<Long> mine = new CompletableFuture<>();
        if (inFlight.putIfAbsent(serverId, mine) != null) {
            return;
        }
        Thread.ofVirtual().name("disk-usage-" + serverId).start(() -> {
            try {
                scans.acquire();
                try {
                    long bytes = measure(volumesRoot.resolve(serverId.toString()));
                    if (!closed) {
                        cache.put(serverId, new Measured(bytes, System.nanoTime()));
                    }
                    completedScans.incrementAndGet();
                    mine.complete(bytes);
                } finally {
                    scans.release();
                }
            } catch (InterruptedException e) {
                mine.cancel(false);
            } catch (RuntimeException e) {
                log.warn("server={} disk usage scan failed: {}", serverId, e.toString());
                mine.completeExceptionally(e);
            } finally {
                inFlight.remove(serverId, mine);
            }
        });
    }

    /** Total size of the regular files under {@code dir}, not following links; unreadable entries count as 0. */
    private long measure(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long[] total = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (closed) {
                        return FileVisitResult.TERMINATE;
                    }
                    if (attrs.isRegularFile()) {
                        total[0] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.debug("disk usage of {}: {}", dir, e.toString());
        }
        return total[0];
    }

    /** Stops scanning; running scans end at their next file. */
    @Override
    public void close() {
        closed = true;
        for (CompletableFuture<Long> f : List.copyOf(inFlight.values())) {
            try {
                f.get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
                // ended or abandoned
            }
        }
    }
}
