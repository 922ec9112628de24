package dev.raptor.files;

import dev.raptor.files.archive.ExtractOptions;
import dev.raptor.files.jail.JailPath;

import dev.raptor.files.jail.Jail;
import dev.raptor.files.usage.DiskUsageTracker;
import dev.raptor.files.usage.UsageSettings;

import dev.raptor.files.archive.ArchiveSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The node's server volumes ({@code <volumesRoot>/<server id>/}): hands out a {@link ServerFiles} per server
 * and keeps every server's disk usage in the background ({@link DiskUsageTracker}) and which servers' files are
 * locked for users ({@link FilesLocks}). One per daemon.
 */
public final class ServerVolumes implements AutoCloseable {
    private final Path volumesRoot;
    private final DiskUsageTracker usage;
    private final FilesLocks locks = new FilesLocks();
    private final VolumeTrash trash;
    private volatile boolean closed;

    public ServerVolumes(Path volumesRoot, UsageSettings usageSettings) {
        this.volumesRoot = volumesRoot.toAbsolutePath().normalize();
        this.usage = new DiskUsageTracker(this.volumesRoot, usageSettings);
        this.trash = new VolumeTrash(this.volumesRoot);
    }

    /**
     * The files of one server under its current policy (cheap: build one per request with the spec's rules and
     * quota). Starts tracking the server's disk usage, with this quota, if it was not tracked.
     */
    public ServerFiles files(UUID serverId, FilePolicy policy) {
        var ledger = usage.track(serverId, policy.quotaBytes());
        return new ServerFiles(serverId, new FilesContext(new Jail(root(serverId)), policy.rules(), ledger, policy.quotaBytes()));
    }

    /** The host directory of a server's files (for the runtime's bind mount; never shown to users). */
    public Path root(UUID serverId) {
        return volumesRoot.resolve(serverId.toString());
    }

    /** The node's "files locked" state: restores, reinstalls and deletes lock users out of a server's files. */
    public FilesLocks locks() {
        return locks;
    }

    /**
     * Replaces a server's files with an archive's, all at once: with {@code truncate} the root becomes exactly the
     * archive, without it the archive's entries replace files of the same name and everything else stays. A
     * failure, a cancellation or a crash leaves the previous files whole (see {@link VolumeRestore}; a crash is
     * decided by {@link #recoverRestores()} at the next boot). Stop the server and lock its files first: a process
     * holding the old root keeps seeing the old tree. The archive is read once, as it is extracted; a source that
     * checks what it gave ({@link ArchiveSource#checkIntact()}) is asked just before the swap. The replaced files are
     * removed in the background after the swap ({@link #awaitTrashEmptied}).
     *
     * @param phases told where the restore stands (a caller's progress, a test's crash points)
     */
    public RestoreResult restore(UUID serverId, FilePolicy policy, ArchiveSource archive, boolean truncate, Progress progress,
                                 Consumer<RestorePhase> phases) throws IOException {
        RestoreResult r = VolumeRestore.restore(volumesRoot, trash, serverId, policy, archive, truncate, progress, phases);
        usage.requestScan(serverId);
        return r;
    }

    /**
     * Puts a new version of a server's game over its files, all at once like {@link #restore}: the archive's entries
     * replace files of the same name, files it does not have stay, and its entries at or under {@code preserved}
     * (relative paths such as {@code world} or {@code server.properties}) are skipped where the server has something
     * there, so the server's own stay (a first version brings its own).
     * A crash is decided by {@link #recoverRestores()}, as for a restore.
     */
    public RestoreResult apply(UUID serverId, FilePolicy policy, ArchiveSource pack, List<String> preserved, Progress progress,
                               Consumer<RestorePhase> phases) throws IOException {
        List<JailPath> kept = new java.util.ArrayList<>();
        Path root = root(serverId);
        for (String p : preserved) {
            JailPath path = JailPath.of(p.startsWith("/") ? p : "/" + p);
            // only what the server has: a first version brings its own world and configs
            if (Files.exists(root.resolve(String.join("/", path.parts())), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                kept.add(path);
            }
        }
        RestoreResult r = VolumeRestore.restore(volumesRoot, trash, serverId, policy, pack, false, ExtractOptions.RESTORE.keeping(kept), progress, phases);
        usage.requestScan(serverId);
        return r;
    }

    /**
     * At boot, before servers start: finishes every restore a crash interrupted (each server's files are then
     * either the previous ones or the archive's, whole) and says which way each went. What an earlier run left in
     * the trash (files restores replaced) is removed in the background.
     */
    public List<RecoveredRestore> recoverRestores() throws IOException {
        List<RecoveredRestore> recovered = VolumeRestore.recoverAll(volumesRoot);
        trash.emptyLeftovers();
        return recovered;
    }

    /**
     * Waits until the files that restores replaced are removed from the disk (a restore is done, and returns, before
     * that): for tests and benchmarks that must not overlap it.
     *
     * @return false when {@code limit} passed first
     */
    public boolean awaitTrashEmptied(java.time.Duration limit) throws InterruptedException {
        return trash.awaitEmpty(limit);
    }

    public DiskUsageTracker diskUsage() {
        return usage;
    }

    /**
     * Removes, in the background, the temporary files and staging directories an earlier run left behind when it
     * crashed mid-write ({@link LeftoverCleanup}); a server where something went is rescanned. Boot does not wait
     * for it: the future is for tests and the log.
     */
    public CompletableFuture<LeftoverCleanup.Result> cleanLeftoversInBackground() {
        CompletableFuture<LeftoverCleanup.Result> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                done.complete(LeftoverCleanup.run(volumesRoot, () -> closed, usage::requestScan));
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
            }
        }, "volume-leftover-cleanup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY); // a walk of native calls: a platform thread, never a request's carrier
        t.start();
        return done;
    }

    @Override
    public void close() {
        closed = true;
        trash.close();
        usage.close();
    }
}
