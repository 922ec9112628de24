package dev.raptor.files;

import dev.raptor.files.archive.ArchiveSource;
import dev.raptor.files.archive.ExtractOptions;
import dev.raptor.files.jail.Fd;
import dev.raptor.files.jail.Jail;
import dev.raptor.files.jail.JailPath;
import dev.raptor.files.jail.LinuxCalls;
import dev.raptor.files.jail.Session;
import dev.raptor.files.jail.Stat;
import dev.raptor.files.usage.ServerUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Replaces a server's whole root with an archive's content so that, whatever happens, the root holds either the
 * files from before or the archive's, never a mix:
 * <ol>
 *   <li>the new tree is built in {@code <volumes>/.raptor-restore-<id>}, beside the root on the same file system:
 *       without truncate, first a copy of the current tree made of hard links (no data copied; the old inodes are
 *       never written: extraction replaces names, it does not write into files), then the archive extracted
 *       through the jail into it, faithfully (modes, times, links; zip-slip and links out refused; the quota
 *       checked against the new tree);</li>
 *   <li>the file system is flushed ({@code syncfs}), then a journal naming the staged tree's inode is written and
 *       flushed;</li>
 *   <li>{@code renameat2(RENAME_EXCHANGE)} swaps the root and the staged tree in one step;</li>
 *   <li>the old tree, now under the staging name, is moved to the trash ({@link VolumeTrash}: one rename, removed
 *       in the background), then the journal goes.</li>
 * </ol>
 * The archive is read once: the source is asked whether what it gave is intact ({@link ArchiveSource#checkIntact()},
 * a backup's checksum) after the extraction and before the flush, so a damaged archive never gets past staging.
 * A failure before the swap removes the staged tree and leaves the root untouched. After a crash,
 * {@link #recover} finds the staging directory and the journal: the root is the new tree exactly when its inode is
 * the one the journal names; in both cases what remains under the staging name is the other tree, and goes.
 *
 * <p>The root's own directory is swapped, not its content: a process that held the old root open (a server that
 * was not stopped, an SFTP session not locked out) keeps seeing the old tree until it lets go, and the runtime
 * finds the new one at the next start. Callers stop the server and lock its files first.
 */
final class VolumeRestore {
    private static final Logger log = LoggerFactory.getLogger(VolumeRestore.class);

    static final String PREFIX = ".raptor-restore-";
    static final String JOURNAL = ".journal";

    private VolumeRestore() {
    }

    static RestoreResult restore(Path volumesRoot, VolumeTrash trash, UUID serverId, FilePolicy policy, ArchiveSource archive,
                                 boolean truncate, Progress progress, Consumer<RestorePhase> phases) throws IOException {
        return restore(volumesRoot, trash, serverId, policy, archive, truncate, ExtractOptions.RESTORE, progress, phases);
    }

    static RestoreResult restore(Path volumesRoot, VolumeTrash trash, UUID serverId, FilePolicy policy, ArchiveSource archive,
                                 boolean truncate, ExtractOptions options, Progress progress, Consumer<RestorePhase> phases)
            throws IOException {
        recover(volumesRoot, serverId); // what an earlier crash left, before a new staging directory takes its name
        Path root = volumesRoot.resolve(serverId.toString());
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        String stagingName = PREFIX + serverId;
        Path staging = volumesRoot.resolve(stagingName);
        Path journal = volumesRoot.resolve(stagingName + JOURNAL);
        boolean swapped = false;
        long flushMillis = 0;
        try (Session volumes = new Jail(volumesRoot).open(); Session old = new Jail(root).open()) {
            Stat rootStat = old.rootStat();
            createStaging(staging, rootStat);
            try {
                phases.accept(RestorePhase.STAGING);
                Jail stagingJail = new Jail(staging);
                long[] kept = {0, 0};
                if (!truncate) {
                    try (Session to = stagingJail.open()) {
                        kept = new TreeClone(old, to, progress).run();
                    }
                }
                FilesContext ctx = new FilesContext(stagingJail, policy.rules(),
                        ServerUsage.measured(kept[1], policy.quotaBytes()), policy.quotaBytes());
                ExtractResult extracted = Extraction.fromSource(ctx, archive, "/", options, progress);
                archive.checkIntact(); // what was extracted is what the archive should be, or the staged tree goes
                Files.setAttribute(staging, "unix:mode", rootStat.mode() & 07777, LinkOption.NOFOLLOW_LINKS);
                long flushStarted = System.nanoTime();
                try (Session st = stagingJail.open()) {
                    st.syncFileSystem(st.root(), "/");
                    flushMillis = (System.nanoTime() - flushStarted) / 1_000_000;
                    progress.check("/");
                    phases.accept(RestorePhase.STAGED);
                    writeJournal(journal, st.rootStat());
                    volumes.syncFileSystem(volumes.root(), "/");
                }
                phases.accept(RestorePhase.SWAPPING);
                volumes.exchange(volumes.root(), bytes(serverId.toString()), volumes.root(), bytes(stagingName), "/");
                swapped = true;
                volumes.syncFileSystem(volumes.root(), "/");
                phases.accept(RestorePhase.SWAPPED);
                log.atInfo().addKeyValue("server", serverId).addKeyValue("truncate", truncate)
                        .addKeyValue("files", extracted.files()).addKeyValue("bytes", extracted.bytes())
                        .addKeyValue("kept", kept[0]).addKeyValue("flushMillis", flushMillis).log("restored the server's files");
                return new RestoreResult(extracted, truncate, kept[0]);
            } catch (IOException | RuntimeException e) {
                if (!swapped) {
                    try {
                        removeStaging(volumesRoot, stagingName);
                        Files.deleteIfExists(journal);
                    } catch (IOException | RuntimeException cleanup) {
                        e.addSuppressed(cleanup);
                    }
                }
                throw e;
            }
        } finally {
            if (swapped) {
                try (Session volumes = new Jail(volumesRoot).open()) {
                    // The old tree, now under the staging name, goes to the trash in one rename and is removed in
                    // the background. A crash before the rename is recovery's (the journal names the new root); after
                    // it, the trash's leftovers go at the next boot.
                    trash.discard(volumes, bytes(stagingName), stagingName);
                    Files.deleteIfExists(journal);
                    phases.accept(RestorePhase.DONE);
                } catch (IOException | RuntimeException e) {
                    // The restore happened; the next boot's recovery removes what is left of the old tree.
                    log.atWarn().addKeyValue("server", serverId).addKeyValue("staging", staging)
                            .log("the previous files could not all be removed after a restore: " + e);
                }
            }
        }
    }

    /** Finishes what crashes left of every restore: see {@link #recover(Path, UUID)}. */
    static List<RecoveredRestore> recoverAll(Path volumesRoot) throws IOException {
        Set<UUID> ids = new LinkedHashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(volumesRoot, PREFIX + "*")) {
            for (Path p : entries) {
                String n = p.getFileName().toString().substring(PREFIX.length());
                if (n.endsWith(JOURNAL)) {
                    n = n.substring(0, n.length() - JOURNAL.length());
                }
                try {
                    ids.add(UUID.fromString(n));
                } catch (IllegalArgumentException notOurs) {
                    log.atWarn().addKeyValue("entry", p).log("left alone an entry that looks like a restore's but names no server");
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<RecoveredRestore> out = new ArrayList<>();
        for (UUID id : ids) {
            recover(volumesRoot, id).ifPresent(out::add);
        }
        return out;
    }

    /**
     * Decides an interrupted restore of one server: completed when the root is the inode the journal names. Removes
     * the staging directory (whichever tree it holds) and the journal.
     */
    static Optional<RecoveredRestore> recover(Path volumesRoot, UUID serverId) throws IOException {
        String stagingName = PREFIX + serverId;
        Path staging = volumesRoot.resolve(stagingName);
        Path journal = volumesRoot.resolve(stagingName + JOURNAL);
        boolean stagingExists = Files.exists(staging, LinkOption.NOFOLLOW_LINKS);
        boolean journalExists = Files.exists(journal, LinkOption.NOFOLLOW_LINKS);
        if (!stagingExists && !journalExists) {
            return Optional.empty();
        }
        boolean completed = false;
        if (journalExists) {
            long[] named = readJournal(journal);
            Path root = volumesRoot.resolve(serverId.toString());
            if (named != null && Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
                try (Session s = new Jail(root).open()) {
                    completed = s.rootStat().device() == named[0] && s.rootStat().inode() == named[1];
                }
            }
        }
        if (stagingExists) {
            removeStaging(volumesRoot, stagingName);
        }
        Files.deleteIfExists(journal);
        log.atWarn().addKeyValue("server", serverId).addKeyValue("completed", completed)
                .log(completed ? "a restore interrupted after its swap is complete: the server has the backup's files"
                        : "a restore interrupted before its swap was undone: the server has its previous files");
        return Optional.of(new RecoveredRestore(serverId, completed));
    }

    private static void createStaging(Path staging, Stat rootStat) throws IOException {
        Files.createDirectory(staging, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (LinuxCalls.geteuid() == 0 && (rootStat.uid() != 0 || rootStat.gid() != 0)) {
            // The jail gives what it creates to its root's owner: the staged tree must belong to the server's.
            Files.setAttribute(staging, "unix:uid", rootStat.uid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(staging, "unix:gid", rootStat.gid(), LinkOption.NOFOLLOW_LINKS);
        }
    }

    private static void removeStaging(Path volumesRoot, String stagingName) throws IOException {
        try (Session volumes = new Jail(volumesRoot).open()) {
            TreeDelete.removeTree(volumes, volumes.root(), bytes(stagingName), stagingName);
        }
    }

    private static void writeJournal(Path journal, Stat staged) throws IOException {
        byte[] line = (staged.device() + " " + staged.inode() + "\n").getBytes(StandardCharsets.US_ASCII);
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }

    /** The staged tree's device and inode, or null when the journal is incomplete (it was never acted on then). */
    private static long[] readJournal(Path journal) throws IOException {
        String text = Files.readString(journal, StandardCharsets.US_ASCII);
        if (!text.endsWith("\n")) {
            return null;
        }
        String[] parts = text.strip().split(" ");
        if (parts.length != 2) {
            return null;
        }
        try {
            return new long[]{Long.parseLong(parts[0]), Long.parseLong(parts[1])};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static byte[] bytes(String name) {
        return name.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Copies a tree by hard links (directories and links recreated with their modes and times); a file the kernel
     * will not link (another user's, under {@code fs.protected_hardlinks}) is copied instead. Special files are left
     * out, as the archive leaves them out.
     */
    private static final class TreeClone {
        private record Frame(JailPath path, Fd dir, Stat stat) {
        }

        private final Session from;
        private final Session to;
        private final Progress progress;
        private final Deque<Frame> stack = new ArrayDeque<>();
        private long files;
        private long bytes;

        TreeClone(Session from, Session to, Progress progress) {
            this.from = from;
            this.to = to;
            this.progress = progress;
        }

        long[] run() throws IOException {
            stack.push(new Frame(JailPath.ROOT, to.root(), null));
            try {
                TreeWalk.walk(from, from.root(), JailPath.ROOT, new TreeWalk.Visitor() {
                    @Override
                    public boolean enter(Fd parent, byte[] name, JailPath path, Stat stat) throws IOException {
                        Fd target = dirFor(path.parent());
                        to.mkdir(target, name, 0700, path.toString());
                        stack.push(new Frame(path, to.openChildDirectoryPath(target, name, path.toString()), stat));
                        return true;
                    }

                    @Override
                    public void visit(Fd parent, byte[] name, JailPath path, Stat stat) throws IOException {
                        Fd target = dirFor(path.parent());
                        if (stat.isRegular()) {
                            link(parent, name, target, path, stat);
                        } else if (stat.isLink()) {
                            to.symlink(from.readlink(parent, name, path.toString()), target, name, path.toString());
                            to.setLinkModified(target, name, stat.modified(), path.toString());
                            files++;
                        }
                    }

                    @Override
                    public void leave(Fd parent, byte[] name, JailPath path, Stat stat) throws IOException {
                        dirFor(path);
                        finish(stack.pop());
                    }
                }, progress);
                while (stack.size() > 1) {
                    finish(stack.pop());
                }
            } finally {
                while (stack.size() > 1) {
                    stack.pop().dir().close();
                }
            }
            return new long[]{files, bytes};
        }

        /** The staged directory of {@code path}, closing those a walk left without a {@code leave}. */
        private Fd dirFor(JailPath path) throws IOException {
            while (!stack.peek().path().equals(path)) {
                if (stack.size() == 1) {
                    throw new ConflictException(path.toString(), path + " changed while the server's files were being copied");
                }
                finish(stack.pop());
            }
            return stack.peek().dir();
        }

        private void finish(Frame f) throws IOException {
            try (Fd dir = f.dir()) {
                to.chmod(dir, f.stat().mode() & 0777, f.path().toString());
                to.setModified(dir, f.stat().modified(), f.path().toString());
            }
        }

        private void link(Fd parent, byte[] name, Fd target, JailPath path, Stat stat) throws IOException {
            progress.check(path.toString());
            try {
                to.hardLink(parent, name, target, name, path.toString());
            } catch (DeniedException refused) {
                copy(parent, name, target, path);
            }
            files++;
            bytes += stat.size();
        }

        private void copy(Fd parent, byte[] name, Fd target, JailPath path) throws IOException {
            Stat[] opened = new Stat[1];
            try (FileChannel in = from.openRegular(parent, name, path.toString(), st -> opened[0] = st, StandardOpenOption.READ);
                 Fd fd = to.createExclusive(target, name, 0600, path.toString());
                 FileChannel out = to.reopen(fd, StandardOpenOption.WRITE)) {
                long size = in.size();
                long done = 0;
                while (done < size) {
                    long n = in.transferTo(done, size - done, out);
                    if (n <= 0) {
                        break;
                    }
                    done += n;
                }
                to.fchmod(fd, opened[0].mode() & 0777, path.toString());
                to.setModified(fd, opened[0].modified(), path.toString());
            }
        }
    }
}
