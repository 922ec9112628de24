package dev.raptor.core.power;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The servers' data directories, {@code <volumesRoot>/<server id>}: made before a server's first container,
 * removed with the server. Disk work can take long (a world of many gigabytes, a slow or hung mount), and a
 * controller's thread must not wait for anything without a deadline (rule 3): so the work runs on a virtual
 * thread of its own and the caller waits for it only so long. A deletion still going on then finishes in
 * the background, and the caller says so in the activity log.
 */
final class DataDirectories {
    private static final Logger log = LoggerFactory.getLogger(DataDirectories.class);

    /** Removes a directory tree; replaceable in tests to stand for a slow or failing disk. */
    @FunctionalInterface
    interface Remover {
        void removeTree(Path dir) throws IOException;
    }

    /** How a deletion went, as far as the caller waited. */
    sealed interface Removal {
        /** Gone (or it never existed). */
        record Removed() implements Removal {
        }

        /** The disk refused; what is left stays. */
        record Failed(String reason) implements Removal {
        }

        /** Not finished within the wait; it goes on in the background. */
        record StillDeleting(Duration waited) implements Removal {
        }
    }

    private final Path volumesRoot;
    private final Remover remover;

    DataDirectories(Path volumesRoot) {
        this(volumesRoot, DataDirectories::removeTreeNow);
    }

    DataDirectories(Path volumesRoot, Remover remover) {
        this.volumesRoot = volumesRoot;
        this.remover = remover;
    }

    Path of(UUID serverId) {
        return volumesRoot.resolve(serverId.toString());
    }

    /**
     * Makes the server's data directory (and its parents) unless it exists.
     *
     * @throws IOException          when the disk refuses, or does not answer within {@code timeout}
     * @throws InterruptedException when the caller is interrupted while it waits
     */
    Path create(UUID serverId, Duration timeout) throws IOException, InterruptedException {
        Path dir = of(serverId);
        CompletableFuture<Void> done = offThread("data-dir-create-" + serverId, () -> Files.createDirectories(dir));
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return dir;
        } catch (TimeoutException e) {
            throw new IOException("the disk did not answer within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause.getMessage()), cause);
        }
    }

    /**
     * Removes the server's data directory, waiting at most {@code timeout}; an interrupted wait answers
     * {@link Removal.StillDeleting} and keeps the interrupt status.
     */
    Removal delete(UUID serverId, Duration timeout) {
        Path dir = of(serverId);
        long t0 = System.nanoTime();
        CompletableFuture<Void> done = offThread("data-dir-delete-" + serverId, () -> remover.removeTree(dir));
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Removal.Removed();
        } catch (ExecutionException e) {
            return new Removal.Failed(String.valueOf(e.getCause().getMessage()));
        } catch (TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            done.whenComplete((ok, error) -> {
                if (error == null) {
                    log.info("server={} data directory {} deleted in the background", serverId, dir);
                } else {
                    log.warn("server={} could not delete its data directory {} in the background: {}", serverId, dir, error.toString());
                }
            });
            return new Removal.StillDeleting(Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    private interface DiskWork {
        void run() throws IOException;
    }

    private static CompletableFuture<Void> offThread(String name, DiskWork work) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofVirtual().name(name).start(() -> {
            try {
                work.run();
                done.complete(null);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** Deletes {@code dir} and everything below it, children first; a missing directory is fine. */
    static void removeTreeNow(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
