package dev.raptor.process;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * The few C library calls the JDK has no API for, through the FFM API: signals to process groups
 * ({@code kill(2)} with a negative pid), FIFOs ({@code mkfifo(3)}) and non-blocking writes into them
 * ({@code open(2)} with {@code O_NONBLOCK}, {@code write(2)}), the page size, and the pseudo-terminals of interactive
 * execs ({@code posix_openpt(3)}, the window size by {@code ioctl(2)}, {@code poll(2)} and {@code read(2)} on the master). Each returns the call's result or the
 * negated {@code errno}. Linux on x86-64, arm64 and riscv64 (flag values differ on alpha, mips, sparc).
 * The JVM needs {@code --enable-native-access=ALL-UNNAMED}, or it warns on first use.
 */
final class LibC {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int ESRCH = 3;
    static final int EINTR = 4;
    static final int ENXIO = 6;
    static final int EAGAIN = 11;
    static final int EEXIST = 17;
    static final int EPIPE = 32;

    static final int EIO = 5;

    static final int O_RDWR = 2;
    static final int O_NOCTTY = 0x100;
    static final int O_WRONLY = 1;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    private static final MethodHandle KILL = downcall("kill",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle MKFIFO = downcall("mkfifo",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            ERRNO_OPTION, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle WRITE = downcall("write",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            ERRNO_OPTION);
    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle GETPAGESIZE = downcall("getpagesize", FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final MethodHandle POSIX_OPENPT = downcall("posix_openpt",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle GRANTPT = downcall("grantpt",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle UNLOCKPT = downcall("unlockpt",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle PTSNAME_R = downcall("ptsname_r",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle IOCTL = downcall("ioctl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            ERRNO_OPTION, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle READ = downcall("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            ERRNO_OPTION);
    private static final MethodHandle POLL = downcall("poll",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
            ERRNO_OPTION);

    /** {@code TIOCSWINSZ}: sets a terminal's size (Linux, every architecture Raptor runs on). */
    private static final long TIOCSWINSZ = 0x5414;
    private static final short POLLIN = 0x1;

    private LibC() {
    }

    @SuppressWarnings("restricted") // the reason this class exists; the JVM is started with --enable-native-access
    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("the C library has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /** {@code kill(pid, signal)}: 0, or -errno ({@code -ESRCH}: no such process or group). A negative pid names a group. */
    static int kill(long pid, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int r = (int) KILL.invokeExact(state, Math.toIntExact(pid), signal);
            return r == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code mkfifo(path, mode)}: 0 or -errno. */
    static int mkfifo(Path path, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int r = (int) MKFIFO.invokeExact(state, arena.allocateFrom(path.toString()), mode);
            return r == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code open(path, flags)}: a file descriptor, or -errno. */
    static int open(Path path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path.toString()), flags, 0);
            return fd >= 0 ? fd : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code write(fd, bytes[offset..offset+length))}: bytes written, or -errno. */
    static long write(int fd, byte[] bytes, int offset, int length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment buffer = arena.allocate(Math.max(1, length));
            MemorySegment.copy(bytes, offset, buffer, ValueLayout.JAVA_BYTE, 0, length);
            long n = (long) WRITE.invokeExact(state, fd, buffer, (long) length);
            return n >= 0 ? n : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code posix_openpt(O_RDWR | O_NOCTTY)}, {@code grantpt}, {@code unlockpt}: a pseudo-terminal's master, or -errno. */
    static int openPty() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd = (int) POSIX_OPENPT.invokeExact(state, O_RDWR | O_NOCTTY);
            if (fd < 0) {
                return -errno(state);
            }
            if ((int) GRANTPT.invokeExact(state, fd) != 0 || (int) UNLOCKPT.invokeExact(state, fd) != 0) {
                int e = errno(state);
                close(fd);
                return -e;
            }
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The path of the terminal whose master is {@code fd} ({@code /dev/pts/N}), or null. */
    static String ptsName(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(128);
            int r = (int) PTSNAME_R.invokeExact(fd, buffer, 128L);
            return r == 0 ? buffer.getString(0) : null;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sets the size of the terminal whose master (or slave) is {@code fd}: 0 or -errno. The kernel signals SIGWINCH. */
    static int setWindowSize(int fd, int columns, int rows) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment winsize = arena.allocate(8); // struct winsize: unsigned short rows, cols, xpixel, ypixel
            winsize.set(ValueLayout.JAVA_SHORT, 0, (short) rows);
            winsize.set(ValueLayout.JAVA_SHORT, 2, (short) columns);
            int r = (int) IOCTL.invokeExact(state, fd, TIOCSWINSZ, winsize);
            return r == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for {@code fd} to be readable (or hung up), then reads at most {@code buffer.length}
     * bytes: the count, 0 when nothing came in time, or -errno ({@code -EIO}: the terminal's other side is closed).
     */
    static long pollRead(int fd, byte[] buffer, int timeoutMillis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment pollfd = arena.allocate(8); // struct pollfd: int fd, short events, short revents
            pollfd.set(ValueLayout.JAVA_INT, 0, fd);
            pollfd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
            int ready = (int) POLL.invokeExact(state, pollfd, 1L, timeoutMillis);
            if (ready < 0) {
                int e = errno(state);
                return e == EINTR ? 0 : -e;
            }
            if (ready == 0) {
                return 0;
            }
            MemorySegment in = arena.allocate(buffer.length);
            long n = (long) READ.invokeExact(state, fd, in, (long) buffer.length);
            if (n < 0) {
                int e = errno(state);
                return e == EINTR || e == EAGAIN ? 0 : -e;
            }
            if (n == 0) {
                return -EIO; // end of file: nobody holds the other side any more
            }
            MemorySegment.copy(in, ValueLayout.JAVA_BYTE, 0, buffer, 0, (int) n);
            return n;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The size of a memory page (RSS in /proc counts pages). */
    static int pageSize() {
        try {
            return (int) GETPAGESIZE.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
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
        return new IllegalStateException("native call failed", t);
    }
}
