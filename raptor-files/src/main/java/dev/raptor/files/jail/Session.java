package dev.raptor.files.jail;

import dev.raptor.files.BadPathException;
import dev.raptor.files.NotADirectoryException;
import dev.raptor.files.NotAFileException;
import dev.raptor.files.NotFoundException;
import dev.raptor.files.PathOutsideRootException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The root of one {@link Jail}, open, and the calls made relative to it. Confined to the thread that opened it
 * (its native scratch memory is); open one per operation. See {@link Jail} for why nothing here leaves the root.
 */
public final class Session implements AutoCloseable {
    /** Links followed in one resolution before "too many levels of symbolic links", as the kernel's limit. */
    public static final int MAX_LINK_HOPS = 40;

    private static final int DIR_PATH = LinuxCalls.O_PATH | LinuxCalls.O_NOFOLLOW | LinuxCalls.O_DIRECTORY | LinuxCalls.O_CLOEXEC;
    private static final byte[] DOT = {'.'};
    private static final byte[] EMPTY = {};
    /** Bytes {@link #write} copies into native memory per system call (an extraction hands it 1 MiB at most). */
    private static final int WRITE_BUFFER_BYTES = 1024 * 1024;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment state = LinuxCalls.errnoState(arena);
    private final MemorySegment statBuf = arena.allocate(LinuxCalls.STATX_SIZE, 8);
    private final MemorySegment[] names = {arena.allocate(4097), arena.allocate(4097)};
    private final MemorySegment linkBuf = arena.allocate(4096);
    private final MemorySegment times = arena.allocate(32, 8);
    /** Native room for {@link #write}, made at its first use (most sessions never write content). */
    private MemorySegment writeBuf;
    private final Fd root;
    private final Stat rootStat;
    private final boolean asRoot;

    Session(Jail jail) throws IOException {
        byte[] path = jail.root().toString().getBytes(StandardCharsets.UTF_8);
        int fd = LinuxCalls.openat(state, LinuxCalls.AT_FDCWD, cstr(path, 0),
                LinuxCalls.O_PATH | LinuxCalls.O_DIRECTORY | LinuxCalls.O_CLOEXEC, 0);
        if (fd < 0) {
            arena.close();
            if (-fd == Errno.ENOENT) {
                throw new NotFoundException("/", "the server has no files yet (its directory does not exist)");
            }
            throw Errno.toException(-fd, "open the server's root", "/");
        }
        root = new Fd(fd, true);
        rootStat = fstat(root);
        asRoot = LinuxCalls.geteuid() == 0;
    }

    /** The root, borrowed: not to be closed by the caller, not to be kept past the session. */
    public Fd root() {
        return new Fd(root.fd(), false);
    }

    public Stat rootStat() {
        return rootStat;
    }

    // ---------------------------------------------------------------- resolution

    private record Level(Fd fd, byte[] name) {
    }

    /**
     * Resolves {@code path} beneath the root. Links on the way are followed while they stay inside; the leaf's
     * link is followed only when {@code followLeaf}. A leaf that does not exist is fine (its {@code stat} is
     * null); a missing directory on the way is {@link NotFoundException}.
     *
     * @throws PathOutsideRootException a link on the way (or at the followed leaf) points outside
     */
    public Resolved resolve(JailPath path, boolean followLeaf) throws IOException {
        return walk(path, followLeaf);
    }

    /**
     * Like {@link #resolve} with the leaf not followed, creating missing directories on the way (mkdir -p), each
     * after {@code check} accepted where it would really be.
     */
    public Resolved resolveCreatingParents(JailPath path, DirectoryCheck check) throws IOException {
        return walk(path, false, check);
    }

    /** Vets a directory about to be created, by its real path. */
    @FunctionalInterface
    public interface DirectoryCheck {
        void check(JailPath realPath) throws IOException;
    }

    private Resolved walk(JailPath path, boolean followLeaf) throws IOException {
        return walk(path, followLeaf, null);
    }

    private Resolved walk(JailPath path, boolean followLeaf, DirectoryCheck createParents) throws IOException {
        String shown = path.toString();
        ArrayDeque<byte[]> todo = new ArrayDeque<>(path.componentBytes());
        ArrayList<Level> stack = new ArrayList<>();
        stack.add(new Level(root(), null));
        int hops = 0;
        try {
            while (!todo.isEmpty()) {
                byte[] c = todo.pollFirst();
                if (c.length == 0 || Arrays.equals(c, DOT)) {
                    continue;
                }
                if (c.length == 2 && c[0] == '.' && c[1] == '.') {
                    if (stack.size() == 1) {
                        throw new PathOutsideRootException(shown, "a symbolic link in " + shown + " leads above the server's root");
                    }
                    stack.removeLast().fd().close();
                    continue;
                }
                Fd dir = stack.getLast().fd();
                if (todo.isEmpty()) {
                    Stat st = lstat(dir, c);
                    if (st != null && st.isLink() && followLeaf) {
                        hops = splice(dir, c, todo, hops, shown);
                        continue;
                    }
                    Level parent = stack.removeLast();
                    return new Resolved(owned(parent.fd()), c, st, realPath(stack, parent, c), path);
                }
                int fd = LinuxCalls.openat(state, dir.fd(), cstr(c, 0), DIR_PATH, 0);
                if (fd >= 0) {
                    stack.add(new Level(new Fd(fd, true), c));
                    continue;
                }
                int err = -fd;
                if (err == Errno.ENOTDIR || err == Errno.ELOOP) {
                    Stat st = lstat(dir, c);
                    if (st != null && st.isLink()) {
                        hops = splice(dir, c, todo, hops, shown);
                        continue;
                    }
                    if (st == null) {
                        throw new NotFoundException(shown, "a directory in " + shown + " does not exist");
                    }
                    if (st.isDirectory()) {
                        // it was a link a moment ago (swapped by the server): look at it again, within the hop budget
                        if (++hops > MAX_LINK_HOPS) {
                            throw new BadPathException(shown, shown + " kept changing while it was resolved");
                        }
                        todo.addFirst(c);
                        continue;
                    }
                    throw new NotADirectoryException(shown, "'" + JailPath.printable(JailPath.decode(c)) + "' in " + shown + " is a " + st.kind() + ", not a directory");
                }
                if (err == Errno.ENOENT && createParents != null) {
                    Level top = stack.removeLast();
                    JailPath real = realPath(stack, top, c);
                    stack.add(top);
                    createParents.check(real);
                    int r = LinuxCalls.mkdirat(state, dir.fd(), cstr(c, 0), 0755);
                    if (r < 0 && -r != Errno.EEXIST) {
                        throw Errno.toException(-r, "create a directory in", shown);
                    }
                    if (r == 0) {
                        chownToRootOwner(dir, c);
                    }
                    todo.addFirst(c);
                    continue;
                }
                if (err == Errno.ENOENT) {
                    throw new NotFoundException(shown, "a directory in " + shown + " does not exist");
                }
                throw Errno.toException(err, "resolve", shown);
            }
            // The path ends at a directory on the stack (the root, or a link to "." or "..").
            if (stack.size() == 1) {
                return new Resolved(owned(stack.removeLast().fd()), null, rootStat, JailPath.ROOT, path);
            }
            Level self = stack.removeLast();
            Level parent = stack.removeLast();
            Stat st = fstat(self.fd());
            self.fd().close();
            return new Resolved(owned(parent.fd()), self.name(), st, realPath(stack, parent, self.name()), path);
        } finally {
            for (Level l : stack) {
                l.fd().close();
            }
        }
    }

    /**
     * A descriptor the caller may keep past this session: the session's root is duplicated (a {@link Resolved}
     * can outlive the session, as an open {@code WritableFile} does, and must never hold a number that the
     * session's close frees for reuse).
     */
    private Fd owned(Fd fd) throws IOException {
        return fd.owned() ? fd : dup(fd);
    }

    private int splice(Fd dir, byte[] link, ArrayDeque<byte[]> todo, int hops, String shown) throws IOException {
        if (++hops > MAX_LINK_HOPS) {
            throw new BadPathException(shown, shown + " goes through too many levels of symbolic links");
        }
        long n = LinuxCalls.readlinkat(state, dir.fd(), cstr(link, 1), linkBuf);
        if (n == -Errno.EINVAL || n == -Errno.ENOENT) {
            todo.addFirst(link); // no longer a link (swapped by the server): look at it again
            return hops;
        }
        if (n < 0) {
            throw Errno.toException((int) -n, "read the link", shown);
        }
        byte[] target = linkBuf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        if (target.length == 0) {
            throw new NotFoundException(shown, "a symbolic link in " + shown + " is empty");
        }
        if (target[0] == '/') {
            throw new PathOutsideRootException(shown, "a symbolic link in " + shown + " points to an absolute path, outside the server's root");
        }
        List<byte[]> parts = split(target);
        for (int i = parts.size() - 1; i >= 0; i--) {
            todo.addFirst(parts.get(i));
        }
        return hops;
    }

    private static JailPath realPath(List<Level> above, Level parent, byte[] leaf) {
        List<String> parts = new ArrayList<>(above.size() + 2);
        for (Level l : above) {
            if (l.name() != null) {
                parts.add(JailPath.decode(l.name()));
            }
        }
        if (parent.name() != null) {
            parts.add(JailPath.decode(parent.name()));
        }
        parts.add(JailPath.decode(leaf));
        return new JailPath(parts);
    }

    /** A link target's components (empty ones dropped). */
    public static List<byte[]> split(byte[] target) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= target.length; i++) {
            if (i == target.length || target[i] == '/') {
                if (i > start) {
                    out.add(Arrays.copyOfRange(target, start, i));
                }
                start = i + 1;
            }
        }
        return out;
    }

    /**
     * Whether the link at {@code linkPath} may be followed: its target (and any links after it) stays beneath
     * the root. A dangling link whose missing part is inside counts as inside; a loop does not.
     */
    public boolean linkStaysInside(JailPath linkPath) {
        try {
            resolve(linkPath, true).close();
            return true;
        } catch (NotFoundException | NotADirectoryException e) {
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- metadata

    /** {@code statx} of {@code name} in {@code dir} without following a link; null when it does not exist. */
    public Stat lstat(Fd dir, byte[] name) throws IOException {
        int r = LinuxCalls.statx(state, dir.fd(), cstr(name, 1), LinuxCalls.AT_SYMLINK_NOFOLLOW,
                LinuxCalls.STATX_BASIC | LinuxCalls.STATX_BTIME, statBuf);
        if (r == -Errno.ENOENT || r == -Errno.ENOTDIR) {
            return null;
        }
        if (r < 0) {
            throw Errno.toException(-r, "stat", JailPath.printable(JailPath.decode(name)));
        }
        return Stat.read(statBuf);
    }

    /** {@code statx} of an entry named by a NUL-terminated segment (a walk's zero-copy path); fills {@link #statBuffer()}. */
    public int lstatRaw(Fd dir, MemorySegment name) {
        return LinuxCalls.statx(state, dir.fd(), name, LinuxCalls.AT_SYMLINK_NOFOLLOW, LinuxCalls.STATX_BASIC, statBuf);
    }

    public MemorySegment statBuffer() {
        return statBuf;
    }

    public Stat fstat(Fd fd) throws IOException {
        int r = LinuxCalls.statx(state, fd.fd(), cstr(EMPTY, 1), LinuxCalls.AT_EMPTY_PATH | LinuxCalls.AT_SYMLINK_NOFOLLOW,
                LinuxCalls.STATX_BASIC | LinuxCalls.STATX_BTIME, statBuf);
        if (r < 0) {
            throw Errno.toException(-r, "stat", fd.toString());
        }
        return Stat.read(statBuf);
    }

    public byte[] readlink(Fd dir, byte[] name, String shown) throws IOException {
        long n = LinuxCalls.readlinkat(state, dir.fd(), cstr(name, 1), linkBuf);
        if (n < 0) {
            throw Errno.toException((int) -n, "read the link", shown);
        }
        return linkBuf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    // ---------------------------------------------------------------- opening

    /** An {@code O_PATH} descriptor of the resolved leaf itself (a link is not followed); the root for the root. */
    public Fd openPath(Resolved r) throws IOException {
        if (r.isRoot()) {
            return dup(root);
        }
        int fd = LinuxCalls.openat(state, r.parent().fd(), cstr(r.leaf(), 0),
                LinuxCalls.O_PATH | LinuxCalls.O_NOFOLLOW | LinuxCalls.O_CLOEXEC, 0);
        if (fd < 0) {
            throw Errno.toException(-fd, "open", r.asked().toString());
        }
        return new Fd(fd, true);
    }

    private Fd dup(Fd fd) throws IOException {
        int d = LinuxCalls.openat(state, fd.fd(), cstr(DOT, 0), DIR_PATH, 0);
        if (d < 0) {
            throw Errno.toException(-d, "open", "/");
        }
        return new Fd(d, true);
    }

    /** An {@code O_PATH} descriptor of the resolved directory; {@link NotADirectoryException} when it is not one. */
    public Fd openDirectoryPath(Resolved r) throws IOException {
        if (r.isRoot()) {
            return dup(root);
        }
        int fd = LinuxCalls.openat(state, r.parent().fd(), cstr(r.leaf(), 0), DIR_PATH, 0);
        if (fd < 0) {
            if (-fd == Errno.ENOTDIR || -fd == Errno.ELOOP) {
                throw new NotADirectoryException(r.asked().toString(), r.asked() + " is not a directory");
            }
            throw Errno.toException(-fd, "open", r.asked().toString());
        }
        return new Fd(fd, true);
    }

    /** A directory descriptor for {@code O_PATH}-free child lookups. */
    public Fd openChildDirectoryPath(Fd dir, byte[] name, String shown) throws IOException {
        int fd = LinuxCalls.openat(state, dir.fd(), cstr(name, 0), DIR_PATH, 0);
        if (fd < 0) {
            throw Errno.toException(-fd, "open", shown);
        }
        return new Fd(fd, true);
    }

    /** Reads the entries of {@code name} in {@code dir} (null: {@code dir} itself), never following a link there. */
    public DirReader readDirectory(Fd dir, byte[] name, String shown) throws IOException {
        int fd = LinuxCalls.openat(state, dir.fd(), cstr(name == null ? DOT : name, 0),
                LinuxCalls.O_RDONLY | LinuxCalls.O_DIRECTORY | LinuxCalls.O_NOFOLLOW | LinuxCalls.O_CLOEXEC, 0);
        if (fd < 0) {
            if (-fd == Errno.ENOTDIR || -fd == Errno.ELOOP) {
                throw new NotADirectoryException(shown, shown + " is not a directory");
            }
            throw Errno.toException(-fd, "list", shown);
        }
        return new DirReader(new Fd(fd, true), shown);
    }

    /**
     * Opens the regular file {@code name} in {@code dir} for I/O: {@code O_PATH|O_NOFOLLOW} first (nothing is
     * opened yet, so a FIFO cannot block and a device is not touched), {@code fstat} on that descriptor, and only
     * a regular file is reopened through {@code /proc/self/fd/N}, which reopens exactly that inode.
     *
     * @param check called with the file's {@link Stat} before it is reopened (hard-link and owner rules)
     */
    public FileChannel openRegular(Fd dir, byte[] name, String shown, StatCheck check, OpenOption... options) throws IOException {
        int fd = LinuxCalls.openat(state, dir.fd(), cstr(name, 0), LinuxCalls.O_PATH | LinuxCalls.O_NOFOLLOW | LinuxCalls.O_CLOEXEC, 0);
        if (fd < 0) {
            throw Errno.toException(-fd, "open", shown);
        }
        try (Fd pinned = new Fd(fd, true)) {
            Stat st = fstat(pinned);
            if (!st.isRegular()) {
                throw new NotAFileException(shown, shown + " is a " + st.kind() + ", not a regular file");
            }
            check.check(st);
            return reopen(pinned, options);
        }
    }

    /** Checks a file's {@link Stat} before it is opened or changed. */
    @FunctionalInterface
    public interface StatCheck {
        StatCheck NONE = s -> {
        };

        void check(Stat stat) throws IOException;
    }

    /** A Java channel on the very inode {@code fd} pins. */
    public FileChannel reopen(Fd fd, OpenOption... options) throws IOException {
        Set<OpenOption> opts = options.length == 0 ? Set.of(StandardOpenOption.READ) : Set.of(options);
        return FileChannel.open(Path.of(fd.procPath()), opts);
    }

    /**
     * Creates {@code name} in {@code dir} exclusively ({@code O_CREAT|O_EXCL|O_NOFOLLOW}: never through a link,
     * never over an existing file), owned by the root's owner, and returns its read-write descriptor.
     */
    public Fd createExclusive(Fd dir, byte[] name, int mode, String shown) throws IOException {
        int fd = LinuxCalls.openat(state, dir.fd(), cstr(name, 0),
                LinuxCalls.O_RDWR | LinuxCalls.O_CREAT | LinuxCalls.O_EXCL | LinuxCalls.O_NOFOLLOW | LinuxCalls.O_CLOEXEC, mode & 0777);
        if (fd < 0) {
            throw Errno.toException(-fd, "create", shown);
        }
        Fd out = new Fd(fd, true);
        try {
            chownToRootOwner(out);
            return out;
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
    }

    // ---------------------------------------------------------------- changing

    /** {@code mkdirat}, owned by the root's owner; {@link dev.raptor.files.ConflictException} when it exists. */
    public void mkdir(Fd dir, byte[] name, int mode, String shown) throws IOException {
        int r = LinuxCalls.mkdirat(state, dir.fd(), cstr(name, 0), mode & 0777);
        if (r < 0) {
            throw Errno.toException(-r, "create the directory", shown);
        }
        chownToRootOwner(dir, name);
    }

    /** {@code unlinkat}: removes the name itself (a link, never its target). */
    public void unlink(Fd dir, byte[] name, boolean directory, String shown) throws IOException {
        int r = LinuxCalls.unlinkat(state, dir.fd(), cstr(name, 0), directory ? LinuxCalls.AT_REMOVEDIR : 0);
        if (r < 0) {
            throw Errno.toException(-r, "delete", shown);
        }
    }

    /** {@code unlinkat} returning -errno instead of throwing (walks that race with the server). */
    public int tryUnlink(Fd dir, byte[] name, boolean directory) throws BadPathException {
        return LinuxCalls.unlinkat(state, dir.fd(), cstr(name, 0), directory ? LinuxCalls.AT_REMOVEDIR : 0);
    }

    /** {@code renameat2}; with {@code noReplace} an existing target is a conflict. */
    public void rename(Fd fromDir, byte[] from, Fd toDir, byte[] to, boolean noReplace, String shown) throws IOException {
        int r = LinuxCalls.renameat2(state, fromDir.fd(), cstr(from, 0), toDir.fd(), cstr(to, 1),
                noReplace ? LinuxCalls.RENAME_NOREPLACE : 0);
        if (r < 0) {
            throw Errno.toException(-r, "move", shown);
        }
    }

    /**
     * {@code renameat2(RENAME_EXCHANGE)}: {@code a} and {@code b} trade places in one step, so whoever looks sees one
     * or the other, never neither (a restore swaps a server's root with the staged tree this way).
     */
    public void exchange(Fd dirA, byte[] a, Fd dirB, byte[] b, String shown) throws IOException {
        int r = LinuxCalls.renameat2(state, dirA.fd(), cstr(a, 0), dirB.fd(), cstr(b, 1), LinuxCalls.RENAME_EXCHANGE);
        if (r < 0) {
            throw Errno.toException(-r, "swap", shown);
        }
    }

    /**
     * Starts writing what was written to the file {@code fd} (open for writing) to disk, without waiting: a later
     * {@link #syncFileSystem} then finds most of it on its way. Nothing is promised about durability here (see
     * {@link LinuxCalls#startWriteback}).
     */
    public void startWriteback(Fd fd) {
        LinuxCalls.startWriteback(fd.fd(), 0, 0); // a head start only: a failure changes nothing else
    }

    /** {@code syncfs}: what was written on the file system of {@code fd} is on disk when this returns. */
    public void syncFileSystem(Fd fd, String shown) throws IOException {
        // syncfs needs a descriptor open for reading; ours are O_PATH: reopen the very inode through /proc.
        int opened = LinuxCalls.openat(state, LinuxCalls.AT_FDCWD, cstr(fd.procPath().getBytes(StandardCharsets.US_ASCII), 0),
                LinuxCalls.O_RDONLY | LinuxCalls.O_CLOEXEC, 0);
        if (opened < 0) {
            throw Errno.toException(-opened, "flush to disk", shown);
        }
        try {
            int r = LinuxCalls.syncfs(state, opened);
            if (r < 0) {
                throw Errno.toException(-r, "flush to disk", shown);
            }
        } finally {
            LinuxCalls.close(opened);
        }
    }

    public void symlink(byte[] target, Fd dir, byte[] name, String shown) throws IOException {
        int r = LinuxCalls.symlinkat(state, cstr(target, 1), dir.fd(), cstr(name, 0));
        if (r < 0) {
            throw Errno.toException(-r, "create the link", shown);
        }
        chownToRootOwner(dir, name);
    }

    /** {@code linkat} without following a link at the source. */
    public void hardLink(Fd fromDir, byte[] from, Fd toDir, byte[] to, String shown) throws IOException {
        int r = LinuxCalls.linkat(state, fromDir.fd(), cstr(from, 0), toDir.fd(), cstr(to, 1));
        if (r < 0) {
            throw Errno.toException(-r, "link", shown);
        }
    }

    /**
     * Changes the mode of the inode {@code pinned} holds (an {@code O_PATH} descriptor of a file or directory,
     * never a link: the caller checked), through {@code /proc/self/fd/N}, so the name cannot be swapped between
     * the check and the change.
     */
    public void chmod(Fd pinned, int mode, String shown) throws IOException {
        int r = LinuxCalls.fchmodat(state, LinuxCalls.AT_FDCWD, cstr(pinned.procPath().getBytes(StandardCharsets.US_ASCII), 0), mode & 07777, 0);
        if (r < 0) {
            throw Errno.toException(-r, "change the mode of", shown);
        }
    }

    /** Sets access and modification time of the inode {@code pinned} holds. */
    public void setModified(Fd pinned, Instant modified, String shown) throws IOException {
        times.set(ValueLayout.JAVA_LONG, 0, modified.getEpochSecond());
        times.set(ValueLayout.JAVA_LONG, 8, modified.getNano());
        times.set(ValueLayout.JAVA_LONG, 16, modified.getEpochSecond());
        times.set(ValueLayout.JAVA_LONG, 24, modified.getNano());
        int r = LinuxCalls.utimensat(state, LinuxCalls.AT_FDCWD, cstr(pinned.procPath().getBytes(StandardCharsets.US_ASCII), 0), times, 0);
        if (r < 0) {
            throw Errno.toException(-r, "set the time of", shown);
        }
    }

    /**
     * Sets access and modification time of the file {@code fd} is open on (read or write; not an {@code O_PATH}
     * descriptor, see {@link #setModified}) with {@code futimens}: no path through {@code /proc} to resolve.
     */
    public void setOpenFileModified(Fd fd, Instant modified, String shown) throws IOException {
        times.set(ValueLayout.JAVA_LONG, 0, modified.getEpochSecond());
        times.set(ValueLayout.JAVA_LONG, 8, modified.getNano());
        times.set(ValueLayout.JAVA_LONG, 16, modified.getEpochSecond());
        times.set(ValueLayout.JAVA_LONG, 24, modified.getNano());
        int r = LinuxCalls.futimens(state, fd.fd(), times);
        if (r < 0) {
            throw Errno.toException(-r, "set the time of", shown);
        }
    }

    /**
     * Writes {@code length} bytes of {@code bytes} from {@code offset} at the current position of {@code fd} (a
     * descriptor open for writing, e.g. from {@link #createExclusive}), through this session's native buffer. Why
     * not a {@link FileChannel} from {@link #reopen}: that costs an open of {@code /proc/self/fd/N}, an
     * {@code fstat}, an {@code lseek} and a close per file, which for an extraction of many small files is more
     * system calls than the writing itself.
     */
    public void write(Fd fd, byte[] bytes, int offset, int length, String shown) throws IOException {
        if (writeBuf == null) {
            writeBuf = arena.allocate(WRITE_BUFFER_BYTES, 4096);
        }
        int done = 0;
        while (done < length) {
            int chunk = (int) Math.min(length - done, WRITE_BUFFER_BYTES);
            MemorySegment.copy(bytes, offset + done, writeBuf, ValueLayout.JAVA_BYTE, 0, chunk);
            long at = 0;
            while (at < chunk) {
                long n = LinuxCalls.write(state, fd.fd(), writeBuf.asSlice(at), chunk - at);
                if (n < 0) {
                    if (-n == Errno.EINTR) {
                        continue;
                    }
                    throw Errno.toException((int) -n, "write", shown);
                }
                at += n;
            }
            done += chunk;
        }
    }

    /** Sets the times of the link {@code name} in {@code dir} itself, never of what it points to. */
    public void setLinkModified(Fd dir, byte[] name, Instant modified, String shown) throws IOException {
        times.set(ValueLayout.JAVA_LONG, 0, modified.getEpochSecond());
        times.set(ValueLayout.JAVA_LONG, 8, modified.getNano());
        times.set(ValueLayout.JAVA_LONG, 16, modified.getEpochSecond());
        times.set(ValueLayout.JAVA_LONG, 24, modified.getNano());
        int r = LinuxCalls.utimensat(state, dir.fd(), cstr(name, 0), times, LinuxCalls.AT_SYMLINK_NOFOLLOW);
        if (r < 0) {
            throw Errno.toException(-r, "set the time of", shown);
        }
    }

    /** Mode of a descriptor opened for writing (umask does not apply). */
    public void fchmod(Fd fd, int mode, String shown) throws IOException {
        int r = LinuxCalls.fchmod(state, fd.fd(), mode & 07777);
        if (r < 0) {
            throw Errno.toException(-r, "change the mode of", shown);
        }
    }

    /** Gives what {@code fd} holds to the root's owner and group (only a root daemon can, and only then does). */
    public void chownToRootOwner(Fd fd) throws IOException {
        if (!needsChown()) {
            return;
        }
        int r = LinuxCalls.fchownat(state, fd.fd(), cstr(EMPTY, 1), rootStat.uid(), rootStat.gid(),
                LinuxCalls.AT_EMPTY_PATH | LinuxCalls.AT_SYMLINK_NOFOLLOW);
        if (r < 0) {
            throw Errno.toException(-r, "change the owner of", fd.toString());
        }
    }

    /** Same, by name, never following a link there (a link swapped in gets the owner itself). */
    public void chownToRootOwner(Fd dir, byte[] name) throws IOException {
        if (!needsChown()) {
            return;
        }
        int r = LinuxCalls.fchownat(state, dir.fd(), cstr(name, 1), rootStat.uid(), rootStat.gid(), LinuxCalls.AT_SYMLINK_NOFOLLOW);
        if (r < 0 && -r != Errno.ENOENT) {
            throw Errno.toException(-r, "change the owner of", JailPath.printable(JailPath.decode(name)));
        }
    }

    private boolean needsChown() {
        return asRoot && (rootStat.uid() != 0 || rootStat.gid() != 0);
    }

    /** Writes {@code bytes} NUL-terminated into scratch slot {@code slot} (0 or 1). */
    private MemorySegment cstr(byte[] bytes, int slot) throws BadPathException {
        if (bytes.length > 4096) {
            throw new BadPathException(null, "a name is longer than the file system allows");
        }
        MemorySegment s = names[slot];
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        s.set(ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
        return s;
    }

    @Override
    public void close() {
        root.close();
        arena.close();
    }
}
