package dev.raptor.files.jail;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The directory-relative Linux calls the jail is built from, through the FFM API: {@code openat(2)} (with
 * {@code O_PATH}, {@code O_NOFOLLOW}), {@code statx(2)}, {@code getdents64(2)}, {@code readlinkat},
 * {@code mkdirat}, {@code unlinkat}, {@code renameat2}, {@code symlinkat}, {@code linkat}, {@code fchownat},
 * {@code fchmodat}, {@code utimensat}, and {@code sync_file_range} for uploads. Each returns the call's result or the negated {@code errno}; names are
 * NUL-terminated byte strings (the file system's own bytes, never Java's platform encoding).
 *
 * <p>Why not {@code java.nio.file.SecureDirectoryStream}: it has no {@code mkdirat}, {@code readlinkat},
 * {@code symlinkat} or {@code O_PATH}, opens directories without {@code O_DIRECTORY} and files for chmod with
 * {@code O_RDONLY} (so a FIFO or device swapped in by the game server blocks the call or opens a device).
 * Why not one {@code openat2(RESOLVE_BENEATH)} per path: the jail needs to know <em>where</em> a link led
 * (to check deny rules on the real path and report {@code linkInside}); walking one component at a time with
 * {@code O_NOFOLLOW} gives that, on every kernel since 2.6.39, with the same race-freedom (see {@link Jail}).
 *
 * <p>Linux only, x86-64 and arm64 (the open flags differ there; other architectures are refused at start).
 * glibc 2.30 or later ({@code getdents64}, {@code statx}, {@code renameat2}). The JVM needs
 * {@code --enable-native-access=ALL-UNNAMED}, or it warns once.
 */
public final class LinuxCalls {
    public static final int AT_FDCWD = -100;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    public static final int AT_REMOVEDIR = 0x200;
    public static final int AT_EMPTY_PATH = 0x1000;

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0x40;
    public static final int O_EXCL = 0x80;
    public static final int O_NOCTTY = 0x100;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final int O_PATH = 0x200000;
    public static final int O_DIRECTORY;
    public static final int O_NOFOLLOW;

    public static final int RENAME_NOREPLACE = 1;
    /** Swaps two names atomically (both must exist); a restore's swap of a server's root with its staged tree. */
    public static final int RENAME_EXCHANGE = 2;

    public static final int STATX_BASIC = 0x7ff;
    public static final int STATX_BTIME = 0x800;

    public static final int S_IFMT = 0xF000;
    public static final int S_IFIFO = 0x1000;
    public static final int S_IFCHR = 0x2000;
    public static final int S_IFDIR = 0x4000;
    public static final int S_IFBLK = 0x6000;
    public static final int S_IFREG = 0x8000;
    public static final int S_IFLNK = 0xA000;
    public static final int S_IFSOCK = 0xC000;

    public static final byte DT_UNKNOWN = 0;
    public static final byte DT_DIR = 4;
    public static final byte DT_REG = 8;
    public static final byte DT_LNK = 10;

    /** Size of {@code struct statx} (fixed by the kernel ABI on every architecture). */
    public static final long STATX_SIZE = 256;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option E = Linker.Option.captureCallState("errno");
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;
    private static final ValueLayout A = ValueLayout.ADDRESS;

    private static final MethodHandle OPENAT = downcall("openat", FunctionDescriptor.of(I, I, A, I, I), E, Linker.Option.firstVariadicArg(3));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(I, I));
    private static final MethodHandle STATX = downcall("statx", FunctionDescriptor.of(I, I, A, I, I, A), E);
    private static final MethodHandle GETDENTS = downcall("getdents64", FunctionDescriptor.of(L, I, A, L), E);
    private static final MethodHandle READLINKAT = downcall("readlinkat", FunctionDescriptor.of(L, I, A, A, L), E);
    private static final MethodHandle MKDIRAT = downcall("mkdirat", FunctionDescriptor.of(I, I, A, I), E);
    private static final MethodHandle UNLINKAT = downcall("unlinkat", FunctionDescriptor.of(I, I, A, I), E);
    private static final MethodHandle RENAMEAT2 = downcall("renameat2", FunctionDescriptor.of(I, I, A, I, A, I), E);
    private static final MethodHandle SYMLINKAT = downcall("symlinkat", FunctionDescriptor.of(I, A, I, A), E);
    private static final MethodHandle LINKAT = downcall("linkat", FunctionDescriptor.of(I, I, A, I, A, I), E);
    private static final MethodHandle FCHOWNAT = downcall("fchownat", FunctionDescriptor.of(I, I, A, I, I, I), E);
    private static final MethodHandle FCHMODAT = downcall("fchmodat", FunctionDescriptor.of(I, I, A, I, I), E);
    private static final MethodHandle FCHMOD = downcall("fchmod", FunctionDescriptor.of(I, I, I), E);
    private static final MethodHandle UTIMENSAT = downcall("utimensat", FunctionDescriptor.of(I, I, A, A, I), E);
    private static final MethodHandle FUTIMENS = downcall("futimens", FunctionDescriptor.of(I, I, A), E);
    private static final MethodHandle WRITE = downcall("write", FunctionDescriptor.of(L, I, A, L), E);
    private static final MethodHandle GETEUID = downcall("geteuid", FunctionDescriptor.of(I));
    private static final MethodHandle SYNCFS = downcall("syncfs", FunctionDescriptor.of(I, I), E);
    private static final MethodHandle SYNC_FILE_RANGE = downcall("sync_file_range", FunctionDescriptor.of(I, I, L, L, I));
    /** {@code sync_file_range}: start writing the range's dirty pages, without waiting for them. */
    private static final int SYNC_FILE_RANGE_WRITE = 2;

    static {
        String arch = System.getProperty("os.arch");
        switch (arch) {
            case "amd64", "x86_64", "riscv64" -> { // asm-generic values
                O_DIRECTORY = 0x10000;
                O_NOFOLLOW = 0x20000;
            }
            case "aarch64", "arm64" -> {
                O_DIRECTORY = 0x4000;
                O_NOFOLLOW = 0x8000;
            }
            default -> throw new ExceptionInInitializerError("raptor-files supports Linux on x86-64, arm64 and riscv64, not " + arch);
        }
    }

    private LinuxCalls() {
    }

    @SuppressWarnings("restricted") // the reason this class exists; the JVM is started with --enable-native-access
    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new ExceptionInInitializerError("the C library has no " + name + " (raptor-files needs Linux with glibc 2.30+)"));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /** A state segment for {@code errno}, allocated once per call site's arena. */
    public static MemorySegment errnoState(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    public static int openat(MemorySegment state, int dirfd, MemorySegment name, int flags, int mode) {
        try {
            int fd = (int) OPENAT.invokeExact(state, dirfd, name, flags, mode);
            return fd >= 0 ? fd : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code statx(dirfd, name, flags, mask, buf)}: 0 or -errno; {@code buf} holds {@link #STATX_SIZE} bytes. */
    public static int statx(MemorySegment state, int dirfd, MemorySegment name, int flags, int mask, MemorySegment buf) {
        try {
            int r = (int) STATX.invokeExact(state, dirfd, name, flags, mask, buf);
            return r == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code getdents64(fd, buf, size)}: bytes filled (0 at the end) or -errno. */
    public static long getdents64(MemorySegment state, int fd, MemorySegment buf) {
        try {
            long n = (long) GETDENTS.invokeExact(state, fd, buf, buf.byteSize());
            return n >= 0 ? n : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long readlinkat(MemorySegment state, int dirfd, MemorySegment name, MemorySegment buf) {
        try {
            long n = (long) READLINKAT.invokeExact(state, dirfd, name, buf, buf.byteSize());
            return n >= 0 ? n : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int mkdirat(MemorySegment state, int dirfd, MemorySegment name, int mode) {
        try {
            int r = (int) MKDIRAT.invokeExact(state, dirfd, name, mode);
            return r == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int unlinkat(MemorySegment state, int dirfd, MemorySegment name, int flags) {
        try {
            int r = (int) UNLINKAT.invokeExact(state, dirfd, name, flags);
            return r == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int renameat2(MemorySegment state, int fromDir, MemorySegment from, int toDir, MemorySegment to, int flags) {
        try {
            int r = (int) RENAMEAT2.invokeExact(state, fromDir, from, toDir, to, flags);
            return r == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int symlinkat(MemorySegment state, MemorySegment target, int dirfd, MemorySegment name) {
        try {
            int r = (int) SYMLINKAT.invokeExact(state, target, dirfd, name);
            return r == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code linkat(fromDir, from, toDir, to, 0)}: never follows a link at {@code from}. */
    public static int linkat(MemorySegment state, int fromDir, MemorySegment from, int toDir, MemorySegment to) {
        try {
            int r = (int) LINKAT.invokeExact(state, fromDir, from, toDir, to, 0);
            return r == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int fchownat(MemorySegment state, int dirfd, MemorySegment name, int uid, int gid, int flags) {
        try {
            int r = (int) FCHOWNAT.invokeExact(state, dirfd, name, uid, gid, flags);
            return r == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int fchmodat(MemorySegment state, int dirfd, MemorySegment name, int mode, int flags) {
        try {
            int r = (int) FCHMODAT.invokeExact(state, dirfd, name, mode, flags);
            return r == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int fchmod(MemorySegment state, int fd, int mode) {
        try {
            int r = (int) FCHMOD.invokeExact(state, fd, mode);
            return r == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code utimensat(dirfd, name, times, flags)}: {@code times} is two {@code struct timespec} (atime, mtime). */
    public static int utimensat(MemorySegment state, int dirfd, MemorySegment name, MemorySegment times, int flags) {
        try {
            int r = (int) UTIMENSAT.invokeExact(state, dirfd, name, times, flags);
            return r == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code futimens(fd, times)}: the times of the inode an open descriptor holds, with no path to resolve. */
    public static int futimens(MemorySegment state, int fd, MemorySegment times) {
        try {
            int r = (int) FUTIMENS.invokeExact(state, fd, times);
            return r == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code write(fd, buf, count)}: bytes written, or -errno (a short count is the caller's to continue). */
    public static long write(MemorySegment state, int fd, MemorySegment buf, long count) {
        try {
            long r = (long) WRITE.invokeExact(state, fd, buf, count);
            return r >= 0 ? r : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code syncfs(fd)}: writes everything cached for the file system holding {@code fd} to disk. */
    /**
     * Starts writing back {@code length} bytes of {@code fd}'s file from {@code offset} ({@code sync_file_range} with
     * {@code SYNC_FILE_RANGE_WRITE}): the disk gets them while more are being written, so that a later {@code fsync}
     * finds little left to do. Only a head start, never a promise (it neither waits nor flushes metadata): the
     * result is 0 or -1, and a failure changes nothing but the head start.
     */
    public static int startWriteback(int fd, long offset, long length) {
        try {
            return (int) SYNC_FILE_RANGE.invokeExact(fd, offset, length, SYNC_FILE_RANGE_WRITE);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int syncfs(MemorySegment state, int fd) {
        try {
            int r = (int) SYNCFS.invokeExact(state, fd);
            return r == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
