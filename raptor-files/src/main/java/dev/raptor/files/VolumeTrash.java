package dev.raptor.files;

import dev.raptor.files.jail.Jail;
import dev.raptor.files.jail.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Trees no server has any more (the files a restore replaced), removed in the background so that the operation
 * which let go of them is done as soon as they are out of the way. A tree goes to the trash by one rename within
 * the volumes' directory ({@code <volumes>/.raptor-trash-<random>}, same file system, nothing copied), and one
 * thread removes what is there, one tree after the other, at low priority. A crash (or a shutdown) before a tree is
 * gone leaves its name behind, and {@link #emptyLeftovers()} at the next boot removes it: nothing is leaked, and no
 * server ever sees the trash (it lies outside every server's root).
 */
final class VolumeTrash implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VolumeTrash.class);

    static final String PREFIX = ".raptor-trash-";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path volumesRoot;
    private final ExecutorService remover = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("volume-trash").priority(Thread.MIN_PRIORITY).factory());
    /** Trees in the trash that the remover has not finished with. */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition emptied = lock.newCondition();
    /** Cancelled at {@link #close()}: the remover stops at its next entry. */
    private final Progress stopping = Progress.none();

    VolumeTrash(Path volumesRoot) {
        this.volumesRoot = volumesRoot;
    }

    /**
     * Moves the tree {@code name} (an entry of the volumes' directory, opened as {@code volumes}) into the trash and
     * has it removed in the background. Returns once the rename is done.
     */
    void discard(Session volumes, byte[] name, String shown) throws IOException {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        String trashName = PREFIX + HexFormat.of().formatHex(random);
        volumes.rename(volumes.root(), name, volumes.root(), trashName.getBytes(StandardCharsets.UTF_8), true, shown);
        schedule(trashName);
    }

    /** At boot: has every tree an earlier run left in the trash removed (in the background: boot does not wait). */
    void emptyLeftovers() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(volumesRoot, PREFIX + "*")) {
            for (Path p : entries) {
                String n = p.getFileName().toString();
                if (!pending.contains(n)) {
                    log.atInfo().addKeyValue("entry", n).log("removing what an earlier run left in the trash");
                    schedule(n);
                }
            }
        } catch (NoSuchFileException e) {
            // no volumes yet
        }
    }

    /** Waits until everything discarded so far is gone (for tests and benchmarks); false when {@code limit} passed. */
    boolean awaitEmpty(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        lock.lock();
        try {
            while (!pending.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                emptied.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void schedule(String trashName) {
        pending.add(trashName);
        try {
            remover.execute(() -> remove(trashName));
        } catch (RejectedExecutionException closed) {
            done(trashName); // shutting down: the next boot removes it
        }
    }

    private void remove(String trashName) {
        long started = System.nanoTime();
        try (Session volumes = new Jail(volumesRoot).open()) {
            TreeDelete.removeTree(volumes, volumes.root(), trashName.getBytes(StandardCharsets.UTF_8), trashName, stopping);
            log.atDebug().addKeyValue("entry", trashName).addKeyValue("millis", (System.nanoTime() - started) / 1_000_000)
                    .log("removed a tree from the trash");
        } catch (CancelledException e) {
            log.atInfo().addKeyValue("entry", trashName).log("stopped removing a tree from the trash: the next boot finishes it");
        } catch (IOException | RuntimeException e) {
            log.atWarn().addKeyValue("entry", trashName).log("could not remove a tree from the trash (the next boot tries again): " + e);
        } finally {
            done(trashName);
        }
    }

    private void done(String trashName) {
        lock.lock();
        try {
            pending.remove(trashName);
            if (pending.isEmpty()) {
                emptied.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops the remover at its next entry and waits for it; what is left stays for the next boot. */
    @Override
    public void close() {
        stopping.cancel();
        remover.shutdownNow();
        try {
            if (!remover.awaitTermination(1, TimeUnit.MINUTES)) {
                log.warn("the trash's remover did not stop within a minute");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            pending.clear(); // left for the next boot
            emptied.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
