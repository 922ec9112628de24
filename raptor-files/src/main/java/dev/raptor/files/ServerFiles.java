package dev.raptor.files;

import dev.raptor.files.archive.ArchiveFormat;
import dev.raptor.files.archive.ArchiveSource;
import dev.raptor.files.archive.CompressOptions;
import dev.raptor.files.archive.ExtractOptions;
import dev.raptor.files.jail.DirReader;
import dev.raptor.files.jail.Fd;
import dev.raptor.files.jail.Jail;
import dev.raptor.files.jail.JailPath;
import dev.raptor.files.jail.Resolved;
import dev.raptor.files.jail.Session;
import dev.raptor.files.jail.Stat;
import dev.raptor.files.usage.Reservation;
import dev.raptor.files.usage.UsageFigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Everything a user (through HTTP, SFTP, FTP) or Raptor itself (backups, installs) does with one server's
 * files, each call one method: paths are the user's ({@code /plugins/x.jar}, read against the server's root),
 * refusals are {@link FilesException}s (one type per problem), results are records fit for the activity log.
 * Get one from {@link ServerVolumes#files}; it is a cheap value (the jail, the rules, the quota ledger), safe to
 * share between threads; each call opens its own {@link Session}.
 *
 * <p>Long operations (copy, delete of a tree, search, compress, extract) run on the caller's thread, report to a
 * {@link Progress} and stop when it is cancelled. Run them on a platform thread (an operation executor): they are
 * long runs of native calls and CPU work, which hold a virtual thread's carrier.
 */
public final class ServerFiles {
    private final UUID serverId;
    private final FilesContext ctx;

    ServerFiles(UUID serverId, FilesContext ctx) {
        this.serverId = serverId;
        this.ctx = ctx;
    }

    public UUID serverId() {
        return serverId;
    }

    /** The server's disk usage now (never waits for a scan). */
    public UsageFigure usage() {
        return ctx.usage().figure();
    }

    // ------------------------------------------------------------------ reading

    /** The entries of a directory (links inside the root followed to it), hidden ones left out. */
    public Listing list(String dir) throws IOException {
        JailPath p = JailPath.of(dir);
        try (Session s = ctx.jail().open(); Resolved r = s.resolve(p, true)) {
            requireDirectory(r);
            ctx.requireRead(r, true);
            List<FileEntry> entries = new ArrayList<>();
            try (Fd d = s.openDirectoryPath(r); DirReader reader = s.readDirectory(d, null, p.toString())) {
                while (reader.next()) {
                    byte[] name = reader.name();
                    Stat st = s.lstat(reader.dir(), name);
                    if (st == null) {
                        continue;
                    }
                    String n = JailPath.decode(name);
                    JailPath asked = p.child(n);
                    JailPath real = r.real().child(n);
                    if (ctx.rules().hides(asked, st.isDirectory()) || ctx.rules().hides(real, st.isDirectory())) {
                        continue;
                    }
                    entries.add(FilesContext.entry(s, reader.dir(), name, st, real));
                }
            }
            entries.sort(Comparator.comparing((FileEntry e) -> !e.isDirectory()).thenComparing(FileEntry::name));
            return new Listing(p.toString(), entries);
        }
    }

    /** One entry; a link at the path is described, not followed. */
    public FileEntry stat(String path) throws IOException {
        return stat(path, false);
    }

    /**
     * One entry. With {@code followLinks} (SFTP {@code stat}, FTP {@code SIZE}) a link at the path is followed while
     * it stays inside and described as what it leads to, named as asked; a link that leads out is refused
     * ({@link PathOutsideRootException}) like any other use of it. Without, the link itself is described.
     */
    public FileEntry stat(String path, boolean followLinks) throws IOException {
        JailPath p = JailPath.of(path);
        try (Session s = ctx.jail().open(); Resolved r = s.resolve(p, followLinks)) {
            requireExists(r);
            ctx.requireRead(r, r.stat().isDirectory());
            if (r.isRoot()) {
                Stat st = r.stat();
                return new FileEntry("", FileType.DIRECTORY, st.size(), st.mode(), st.modified(), st.created(), "inode/directory", null, null);
            }
            FileEntry e = FilesContext.entry(s, r.parent(), r.leaf(), r.stat(), r.real());
            if (followLinks && !p.isRoot() && !p.name().equals(e.name())) {
                // named as asked (the link's name), described as what it led to
                e = new FileEntry(p.name(), e.type(), e.size(), e.mode(), e.modified(), e.created(), e.mime(),
                        e.linkTarget(), e.linkInside());
            }
            return e;
        }
    }

    /**
     * Opens a regular file for reading (a link inside the root is followed; FIFOs, sockets and devices are
     * refused without being opened).
     */
    public ReadableFile openRead(String path) throws IOException {
        JailPath p = JailPath.of(path);
        try (Session s = ctx.jail().open(); Resolved r = s.resolve(p, true)) {
            requireExists(r);
            requireRegular(r);
            ctx.requireRead(r, false);
            Stat[] opened = new Stat[1];
            FileChannel ch = s.openRegular(r.parent(), r.leaf(), p.toString(), st -> {
                FilesContext.checkReadable(s, st, p.toString());
                opened[0] = st;
            }, StandardOpenOption.READ);
            String name = JailPath.decode(r.leaf());
            Stat st = opened[0];
            FileEntry e = new FileEntry(name, FileType.FILE, st.size(), st.mode(), st.modified(), st.created(),
                    Mime.ofName(name), null, null);
            return new ReadableFile(p.toString(), e, ch);
        }
    }

    // ------------------------------------------------------------------ writing

    /**
     * Opens a file for writing (its directory is created when missing).
     *
     * @param expectedSize the final size when known (a larger write is refused by the quota up front), or -1
     */
    public WritableFile openWrite(String path, WriteMode mode, long expectedSize) throws IOException {
        JailPath p = JailPath.of(path);
        if (p.isRoot()) {
            throw new BadPathException("/", "the server's root is a directory; name a file");
        }
        try (Session s = ctx.jail().open()) {
            Resolved r = resolveForWrite(s, p);
            boolean keep = false;
            try {
                if (r.exists() && !r.stat().isRegular()) {
                    throw new NotAFileException(p.toString(), p + " is a " + r.stat().kind() + ", not a regular file");
                }
                if (!r.exists()) {
                    p.requireCreatableName();
                }
                ctx.requireWrite(r, false);
                WritableFile w = mode == WriteMode.REPLACE ? replacing(s, r, p, expectedSize) : inPlace(s, r, p, expectedSize);
                keep = true;
                return w;
            } finally {
                if (!keep) {
                    r.close();
                }
            }
        }
    }

    private WritableFile replacing(Session s, Resolved r, JailPath p, long expectedSize) throws IOException {
        Stat old = r.stat();
        boolean sharedOld = old != null && old.nlink() > 1;
        long credit = old == null || sharedOld ? 0 : old.size();
        Reservation res = ctx.usage().reserve(Math.max(0, expectedSize - credit), ctx.quota(), p.toString());
        byte[] temp = FilesContext.tempName("upload");
        Fd fd;
        try {
            fd = s.createExclusive(r.parent(), temp, 0644, p.toString());
        } catch (IOException | RuntimeException e) {
            res.close();
            throw e;
        }
        try {
            if (old != null) {
                s.fchmod(fd, old.mode() & 0777, p.toString());
            }
            FileChannel ch = s.reopen(fd, StandardOpenOption.READ, StandardOpenOption.WRITE);
            // fd stays open with the write: its writeback head start (WritableFile#write) goes through it
            return new WritableFile(ctx.jail(), p.toString(), WriteMode.REPLACE, r.parent(), r.leaf(), temp, ch, res,
                    credit, credit, old == null, fd);
        } catch (IOException | RuntimeException e) {
            fd.close();
            try {
                s.unlink(r.parent(), temp, false, p.toString());
            } catch (IOException ignored) {
                // nothing to remove
            }
            res.close();
            throw e;
        }
    }

    private WritableFile inPlace(Session s, Resolved r, JailPath p, long expectedSize) throws IOException {
        FileChannel ch;
        long before = 0;
        boolean created = !r.exists();
        if (created) {
            try (Fd fd = s.createExclusive(r.parent(), r.leaf(), 0644, p.toString())) {
                ch = s.reopen(fd, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
        } else {
            long[] size = new long[1];
            ch = s.openRegular(r.parent(), r.leaf(), p.toString(), st -> {
                FilesContext.checkChangeableInPlace(st, p.toString());
                size[0] = st.size();
            }, StandardOpenOption.READ, StandardOpenOption.WRITE);
            before = size[0];
        }
        try {
            Reservation res = ctx.usage().reserve(Math.max(0, expectedSize - before), ctx.quota(), p.toString());
            return new WritableFile(ctx.jail(), p.toString(), WriteMode.IN_PLACE, r.parent(), r.leaf(), null, ch, res,
                    before, before, created, null);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Opens a file for writing in place, as SFTP and FTP do (no temporary file: an interrupted upload leaves what
     * arrived, for the client to resume), doing with an existing file what {@code disposition} says. Its directory
     * must exist. The quota is charged as the file grows ({@link WritableFile}); a truncation gives the room back.
     * A link at the path is followed while it stays inside; a file with other hard links is refused
     * ({@link DeniedException}), as is anything but a regular file.
     *
     * @throws NotFoundException a missing file that the disposition does not create, or a missing directory
     * @throws ConflictException an existing file (or link) with {@link OpenDisposition#CREATE_NEW}
     */
    public WritableFile openInPlace(String path, OpenDisposition disposition) throws IOException {
        JailPath p = JailPath.of(path);
        if (p.isRoot()) {
            throw new BadPathException("/", "the server's root is a directory; name a file");
        }
        ctx.rules().requireWrite(p, false);
        try (Session s = ctx.jail().open()) {
            Resolved r = disposition.exclusive() ? s.resolve(p, false) : s.resolve(p, true);
            boolean keep = false;
            try {
                if (r.exists() && disposition.exclusive()) {
                    throw new ConflictException(p.toString(), p + " already exists");
                }
                if (!r.exists() && !disposition.creates()) {
                    throw new NotFoundException(p.toString(), p + " does not exist");
                }
                if (r.exists() && !r.stat().isRegular()) {
                    throw new NotAFileException(p.toString(), p + " is a " + r.stat().kind() + ", not a regular file");
                }
                if (!r.exists()) {
                    p.requireCreatableName();
                }
                ctx.requireWrite(r, false);
                WritableFile w = inPlace(s, r, p, -1);
                keep = true;
                if (disposition.truncates()) {
                    try {
                        w.truncate(0);
                    } catch (IOException | RuntimeException e) {
                        w.close();
                        throw e;
                    }
                }
                return w;
            } finally {
                if (!keep) {
                    r.close();
                }
            }
        }
    }

    /**
     * Writes a whole stream atomically (temporary file, then rename). A stream longer than the quota allows is
     * cut off there and nothing is left of it.
     *
     * @param expectedSize the body's length when known (refused before writing when it cannot fit), or -1
     */
    public WriteResult write(String path, InputStream body, long expectedSize, Progress progress) throws IOException {
        return write(path, Channels.newChannel(body), expectedSize, progress);
    }

    /**
     * Writes a whole channel atomically (temporary file, then rename), a {@linkplain TransferBuffers transfer buffer}
     * at a time: each is filled from {@code body} and then written to the file in one call, charged to the quota as
     * it is written. The progress counts bytes as they are read (at most one buffer ahead of the file). A body longer than the quota allows is cut off there and nothing is left of it. A blocking
     * channel is expected (a read answering 0 is simply asked again).
     *
     * @param expectedSize the body's length when known (refused before writing when it cannot fit), or -1
     */
    public WriteResult write(String path, ReadableByteChannel body, long expectedSize, Progress progress) throws IOException {
        try (BodyChunks chunks = new ChannelChunks(body, progress, path)) {
            return write(path, chunks, expectedSize, progress, false);
        }
    }

    /**
     * Writes a whole body atomically (temporary file, then rename), each buffer it lends written to the file as it
     * is (no copy on the way), charged to the quota as it is written. A body longer than the quota allows is cut off
     * there and nothing is left of it. The caller closes {@code body}.
     *
     * @param expectedSize the body's length when known (refused before writing when it cannot fit), or -1
     */
    public WriteResult write(String path, BodyChunks body, long expectedSize, Progress progress) throws IOException {
        return write(path, body, expectedSize, progress, true);
    }

    private WriteResult write(String path, BodyChunks body, long expectedSize, Progress progress, boolean countHere) throws IOException {
        try (WritableFile w = openWrite(path, WriteMode.REPLACE, expectedSize)) {
            progress.totals(expectedSize, 1);
            for (ByteBuffer buf = body.next(); buf != null; buf = body.next()) {
                if (countHere) {
                    progress.check(path);
                    progress.addBytes(buf.remaining());
                }
                while (buf.hasRemaining()) {
                    w.write(buf);
                }
            }
            WriteResult result = w.commit();
            progress.addFile();
            progress.finish();
            return result;
        }
    }

    /** Writes bytes atomically (small files: configs, installer output). */
    public WriteResult write(String path, byte[] content) throws IOException {
        return write(path, new java.io.ByteArrayInputStream(content), content.length, Progress.none());
    }

    private Resolved resolveForWrite(Session s, JailPath p) throws IOException {
        ctx.rules().requireWrite(p, false);
        Resolved r;
        try {
            r = s.resolve(p, true);
        } catch (NotFoundException e) {
            r = s.resolveCreatingParents(p, real -> ctx.rules().requireWrite(real, true));
            if (r.exists() && r.stat().isLink()) {
                r.close();
                r = s.resolve(p, true);
            }
        }
        return r;
    }

    /** Creates a directory and its missing parents; an existing directory is fine. */
    public boolean mkdirs(String path) throws IOException {
        JailPath p = JailPath.of(path);
        if (p.isRoot()) {
            return false;
        }
        ctx.rules().requireWrite(p, true);
        try (Session s = ctx.jail().open();
             Resolved r = s.resolveCreatingParents(p, real -> ctx.rules().requireWrite(real, true))) {
            if (r.exists()) {
                if (r.stat().isDirectory()) {
                    return false;
                }
                if (r.stat().isLink()) {
                    try (Resolved followed = s.resolve(p, true)) {
                        if (followed.exists() && followed.stat().isDirectory()) {
                            return false;
                        }
                    }
                }
                throw new ConflictException(p.toString(), p + " exists and is not a directory");
            }
            p.requireCreatableName();
            ctx.requireWrite(r, true);
            s.mkdir(r.parent(), r.leaf(), 0755, p.toString());
            return true;
        }
    }

    /**
     * Creates a symbolic link (SFTP {@code symlink}) whose target must stay inside the root from where the link
     * is; absolute targets are refused.
     */
    public FileEntry symlink(String path, String target) throws IOException {
        JailPath p = JailPath.of(path).requireCreatableName();
        if (target == null || target.isEmpty() || target.indexOf('\0') >= 0) {
            throw new BadPathException(p.toString(), "a link target must be a non-empty path");
        }
        if (target.startsWith("/")) {
            throw new PathOutsideRootException(p.toString(), "a link's target must be relative to the link (was absolute: " + JailPath.printable(target) + ")");
        }
        try (Session s = ctx.jail().open(); Resolved r = s.resolve(p, false)) {
            if (r.exists()) {
                throw new ConflictException(p.toString(), p + " already exists");
            }
            ctx.requireWrite(r, false);
            JailPath.of(r.real().parent().toString() + "/" + target); // throws PathOutsideRoot when it climbs out
            byte[] t = target.getBytes(StandardCharsets.UTF_8);
            s.symlink(t, r.parent(), r.leaf(), p.toString());
            return FilesContext.entry(s, r.parent(), r.leaf(), s.lstat(r.parent(), r.leaf()), r.real());
        }
    }

    /** Sets a file's or directory's modification time (never through a link; SFTP {@code put -p}, FTP MFMT). */
    public void setModified(String path, Instant modified) throws IOException {
        JailPath p = JailPath.of(path);
        try (Session s = ctx.jail().open(); Resolved r = s.resolve(p, false)) {
            requireExists(r);
            if (r.stat().isLink()) {
                throw new NotAFileException(p.toString(), p + " is a symbolic link; its time is not changed through it");
            }
            ctx.requireWrite(r, r.stat().isDirectory());
            try (Fd pinned = s.openPath(r)) {
                Stat st = s.fstat(pinned);
                if (st.isLink() || st.isSpecial()) {
                    throw new NotAFileException(p.toString(), p + " is a " + st.kind());
                }
                FilesContext.checkChangeableInPlace(st, p.toString());
                s.setModified(pinned, modified, p.toString());
            }
        }
    }

    /**
     * Creates one directory (SFTP {@code mkdir}, FTP {@code MKD}): its parent must exist, and nothing may be at the
     * path yet ({@link ConflictException}, also for an existing directory).
     */
    public void mkdir(String path) throws IOException {
        JailPath p = JailPath.of(path);
        if (p.isRoot()) {
            throw new ConflictException("/", "the server's root already exists");
        }
        ctx.rules().requireWrite(p, true);
        try (Session s = ctx.jail().open(); Resolved r = s.resolve(p, false)) {
            if (r.exists()) {
                throw new ConflictException(p.toString(), p + " already exists");
            }
            p.requireCreatableName();
            ctx.requireWrite(r, true);
            s.mkdir(r.parent(), r.leaf(), 0755, p.toString());
        }
    }

    /**
     * Removes one name (SFTP {@code remove} and {@code rmdir}, FTP {@code DELE} and {@code RMD}): with
     * {@code directory} an empty directory ({@link ConflictException} when it is not empty), without it a file, a
     * link (never its target) or a special file ({@link NotAFileException} for a directory). Nothing is followed
     * at the path.
     *
     * @return the bytes the server's usage lost
     */
    public long remove(String path, boolean directory) throws IOException {
        JailPath p = JailPath.of(path);
        if (p.isRoot()) {
            throw new BadPathException("/", "the server's root cannot be deleted (delete what is in it)");
        }
        try (Session s = ctx.jail().open(); Resolved r = s.resolve(p, false)) {
            requireExists(r);
            Stat st = r.stat();
            if (directory && !st.isDirectory()) {
                throw new NotADirectoryException(p.toString(), p + " is a " + st.kind() + ", not a directory");
            }
            if (!directory && st.isDirectory()) {
                throw new NotAFileException(p.toString(), p + " is a directory");
            }
            ctx.requireWrite(r, directory);
            s.unlink(r.parent(), r.leaf(), directory, p.toString());
            long freed = st.isRegular() && st.nlink() == 1 ? st.size() : 0;
            ctx.usage().changed(-freed);
            return freed;
        }
    }

    /**
     * Renames one path (SFTP {@code rename}, FTP {@code RNFR}/{@code RNTO}). Without {@code replace} an existing
     * target is a {@link ConflictException}; with it (SFTP's {@code posix-rename}) the target is replaced in one
     * atomic step, as {@code rename(2)} does: a file by a file, an empty directory by a directory (never a
     * non-empty one). Links are moved as links and never followed at either end; the rules must allow writing
     * both names (and everything inside a directory that moves).
     */
    public Move rename(String from, String to, boolean replace) throws IOException {
        JailPath a = JailPath.of(from);
        JailPath b = JailPath.of(to);
        if (a.isRoot() || b.isRoot()) {
            throw new BadPathException("/", "the server's root cannot be moved or replaced");
        }
        try (Session s = ctx.jail().open(); Resolved ra = s.resolve(a, false); Resolved rb = s.resolve(b, false)) {
            requireExists(ra);
            boolean dir = ra.stat().isDirectory();
            ctx.requireWrite(ra, dir);
            ctx.requireWrite(rb, dir);
            Stat replaced = rb.stat();
            if (replaced != null) {
                if (!replace) {
                    throw new ConflictException(b.toString(), b + " already exists");
                }
                if (replaced.inode() == ra.stat().inode() && replaced.device() == ra.stat().device()) {
                    return new Move(a.toString(), b.toString()); // the same file: rename(2) does nothing
                }
                ctx.requireWrite(rb, replaced.isDirectory());
                if (replaced.isDirectory() && !ctx.rules().isEmpty()) {
                    requireNothingProtectedInside(s, rb);
                }
            } else {
                b.requireCreatableName();
            }
            if (dir && (rb.real().isWithin(ra.real()) || b.isWithin(a))) {
                throw new ConflictException(a.toString(), "cannot move " + a + " into itself");
            }
            if (dir) {
                requireNothingProtectedInside(s, ra);
            }
            s.rename(ra.parent(), ra.leaf(), rb.parent(), rb.leaf(), !replace, a.toString());
            if (replaced != null && replaced.isRegular() && replaced.nlink() == 1) {
                ctx.usage().changed(-replaced.size());
            }
            return new Move(a.toString(), b.toString());
        }
    }

    // ------------------------------------------------------------------ changing many

    /**
     * Renames or moves many paths: all are checked first (each source exists and may be moved, each target is
     * free and may be written, its directory exists), then moved in order; when one fails, those already moved
     * are moved back. Links are moved as links. Nothing is ever replaced.
     */
    public List<Move> move(List<Move> moves) throws IOException {
        if (moves.isEmpty()) {
            return List.of();
        }
        List<Resolved[]> planned = new ArrayList<>();
        try (Session s = ctx.jail().open()) {
            try {
                for (Move m : moves) {
                    JailPath from = JailPath.of(m.from());
                    JailPath to = JailPath.of(m.to());
                    if (from.isRoot() || to.isRoot()) {
                        throw new BadPathException("/", "the server's root cannot be moved or replaced");
                    }
                    Resolved a = s.resolve(from, false);
                    Resolved b;
                    try {
                        b = s.resolve(to, false);
                    } catch (IOException | RuntimeException e) {
                        a.close();
                        throw e;
                    }
                    planned.add(new Resolved[]{a, b});
                    requireExists(a);
                    boolean dir = a.stat().isDirectory();
                    ctx.requireWrite(a, dir);
                    ctx.requireWrite(b, dir);
                    if (b.exists()) {
                        throw new ConflictException(to.toString(), to + " already exists");
                    }
                    to.requireCreatableName();
                    if (dir && (b.real().isWithin(a.real()) || to.isWithin(from))) {
                        throw new ConflictException(from.toString(), "cannot move " + from + " into itself");
                    }
                    if (dir) {
                        requireNothingProtectedInside(s, a);
                    }
                }
                List<Move> done = new ArrayList<>();
                for (int i = 0; i < planned.size(); i++) {
                    Resolved a = planned.get(i)[0];
                    Resolved b = planned.get(i)[1];
                    try {
                        s.rename(a.parent(), a.leaf(), b.parent(), b.leaf(), true, moves.get(i).from());
                    } catch (IOException | RuntimeException e) {
                        for (int j = i - 1; j >= 0; j--) {
                            Resolved ra = planned.get(j)[0];
                            Resolved rb = planned.get(j)[1];
                            try {
                                s.rename(rb.parent(), rb.leaf(), ra.parent(), ra.leaf(), true, moves.get(j).to());
                            } catch (IOException | RuntimeException undo) {
                                e.addSuppressed(undo);
                            }
                        }
                        throw e;
                    }
                    done.add(new Move(JailPath.of(moves.get(i).from()).toString(), JailPath.of(moves.get(i).to()).toString()));
                }
                return done;
            } finally {
                for (Resolved[] pair : planned) {
                    pair[0].close();
                    pair[1].close();
                }
            }
        }
    }

    /** Refuses a change to a directory that holds a denied or read-only path (checked only when rules exist). */
    private void requireNothingProtectedInside(Session s, Resolved dir) throws IOException {
        if (ctx.rules().isEmpty()) {
            return;
        }
        try (Fd d = s.openDirectoryPath(dir)) {
            TreeWalk.walk(s, d, dir.real(), new TreeWalk.Visitor() {
                @Override
                public boolean enter(Fd parent, byte[] name, JailPath path, Stat stat) throws IOException {
                    ctx.rules().requireWrite(path, true);
                    return true;
                }

                @Override
                public void visit(Fd parent, byte[] name, JailPath path, Stat stat) throws IOException {
                    ctx.rules().requireWrite(path, false);
                }
            }, Progress.none());
        }
    }

    /**
     * Changes modes: every path is checked first (it exists, is not a link: chmod never goes through one, is not
     * a hard-linked file, may be written), pinned, then changed.
     */
    public List<ModeChange> chmod(List<ModeChange> changes) throws IOException {
        List<Fd> pinned = new ArrayList<>();
        try (Session s = ctx.jail().open()) {
            try {
                for (ModeChange c : changes) {
                    JailPath p = JailPath.of(c.path());
                    if (p.isRoot()) {
                        throw new BadPathException("/", "the mode of the server's root is Raptor's to keep");
                    }
                    try (Resolved r = s.resolve(p, false)) {
                        requireExists(r);
                        if (r.stat().isLink()) {
                            throw new NotAFileException(p.toString(), p + " is a symbolic link; chmod never goes through a link");
                        }
                        if (r.stat().isSpecial()) {
                            throw new NotAFileException(p.toString(), p + " is a " + r.stat().kind());
                        }
                        ctx.requireWrite(r, r.stat().isDirectory());
                        Fd fd = s.openPath(r);
                        pinned.add(fd);
                        Stat now = s.fstat(fd);
                        if (now.isLink() || now.isSpecial() || now.inode() != r.stat().inode()) {
                            throw new ConflictException(p.toString(), p + " changed while it was being checked");
                        }
                        FilesContext.checkChangeableInPlace(now, p.toString());
                    }
                }
                List<ModeChange> done = new ArrayList<>();
                for (int i = 0; i < changes.size(); i++) {
                    ModeChange c = changes.get(i);
                    s.chmod(pinned.get(i), c.mode(), c.path());
                    done.add(new ModeChange(JailPath.of(c.path()).toString(), c.mode()));
                }
                return done;
            } finally {
                pinned.forEach(Fd::close);
            }
        }
    }

    /**
     * Deletes many paths, directories with everything inside, never following a link (a link is removed, not its
     * target). All paths are checked first (rules, including everything inside directories); a path already gone
     * is reported as absent. Cancelling stops between entries (what was deleted stays deleted).
     */
    public DeleteResult delete(List<String> paths, Progress progress) throws IOException {
        return TreeDelete.delete(ctx, paths, progress);
    }

    /**
     * Copies a file or a directory. Without {@code to} the copy goes next to the source as {@code name copy.ext},
     * then {@code name copy 2.ext}... (as Wings names them). The copy appears whole or not at all (written under a
     * temporary name, then renamed); its size is checked against the quota before anything is written.
     */
    public CopyResult copy(String path, String to, Progress progress) throws IOException {
        return TreeCopy.copy(ctx, path, to, progress);
    }

    /**
     * Finds entries by name beneath {@code dir}: a case-insensitive substring, or a glob when the query holds
     * {@code *}, {@code ?} or {@code [}. Links are listed, never walked into.
     */
    public SearchResult search(String dir, String query, int maxDepth, int limit, Progress progress) throws IOException {
        return NameSearch.search(ctx, dir, query, maxDepth, limit, progress);
    }

    // ------------------------------------------------------------------ archives

    /**
     * Compresses {@code paths} into a new archive inside the server. Entries are named relative to the paths'
     * common directory; the default destination is {@code archive-<time>.<ext>} there. Links are stored as links
     * when they stay inside; special files and hidden paths are left out. The archive is written under a
     * temporary name and charged to the quota as it grows (cut off, and removed, when it cannot).
     */
    public ArchiveResult compress(List<String> paths, String destination, ArchiveFormat format, Progress progress) throws IOException {
        return Compression.toFile(ctx, paths, destination, format, progress);
    }

    /**
     * Compresses {@code paths} into a stream outside the server (a download of a folder). The root itself,
     * {@code "/"} as the only path, stands for everything in it, entries named from the root (a backup).
     */
    public ArchiveResult compressTo(List<String> paths, ArchiveFormat format, CompressOptions options, OutputStream out,
                                    Progress progress) throws IOException {
        return Compression.toStream(ctx, paths, format, options, out, progress);
    }

    /**
     * Extracts an archive inside the server into {@code destination} (created when missing). The format comes
     * from the content. Every entry is checked before anything is written (names that climb out, links pointing
     * outside, deny rules, the quota against the entries' total), the archive is extracted into a staging
     * directory beside the destination, then merged into it (existing files are replaced); a failure removes the
     * staging directory and leaves the destination as it was.
     */
    public ExtractResult decompress(String archive, String destination, Progress progress) throws IOException {
        return Extraction.fromFile(ctx, archive, destination, progress);
    }

    /** Extracts an archive from outside the server (an import) the same way. */
    public ExtractResult extract(ArchiveSource source, String destination, Progress progress) throws IOException {
        return Extraction.fromSource(ctx, source, destination, ExtractOptions.DEFAULTS, progress);
    }

    /**
     * Extracts an archive from outside the server with {@code options} (a restore keeps modes and times exactly and
     * lets the archive replace what clashes with it; see {@link ServerVolumes#restore} for a whole-root restore).
     */
    public ExtractResult extract(ArchiveSource source, String destination, ExtractOptions options, Progress progress) throws IOException {
        return Extraction.fromSource(ctx, source, destination, options, progress);
    }

    // ------------------------------------------------------------------ helpers

    static void requireExists(Resolved r) throws NotFoundException {
        if (!r.exists()) {
            throw new NotFoundException(r.asked().toString(), r.asked() + " does not exist");
        }
    }

    static void requireDirectory(Resolved r) throws IOException {
        requireExists(r);
        if (!r.stat().isDirectory()) {
            throw new NotADirectoryException(r.asked().toString(), r.asked() + " is a " + r.stat().kind() + ", not a directory");
        }
    }

    static void requireRegular(Resolved r) throws IOException {
        if (!r.stat().isRegular()) {
            throw new NotAFileException(r.asked().toString(), r.asked() + " is a " + r.stat().kind() + ", not a regular file");
        }
    }
}
