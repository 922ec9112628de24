package dev.raptor.process;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Linux calls behind {@link RunWatcher}, through the FFM API: a process's end as a file descriptor
 * ({@code pidfd_open(2)}, Linux 5.3), new files in a directory ({@code inotify(7)}), and one {@code epoll(7)} set
 * that waits for all of them, woken on demand by an {@code eventfd(2)}. Each returns the call's result or the
 * negated {@code errno}. Linux on x86-64, arm64 and riscv64 (the syscall number of pidfd_open is 434 on each).
 */
final class KernelEvents {
    static final int ENOSYS = 38;

    /** epoll: readable; report once, then wait to be re-armed (a pidfd stays readable for good once its process ended). */
    static final int EPOLLIN = 0x1;
    static final int EPOLLONESHOT = 1 << 30;
    /** inotify: a file opened for writing was closed; a file was renamed into the directory. */
    static final int IN_CLOSE_WRITE = 0x8;
    static final int IN_MOVED_TO = 0x80;
    /** inotify: the watch is gone (removed, or its directory deleted). */
    static final int IN_IGNORED = 0x8000;

    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLL_CTL_DEL = 2;
    private static final int CLOEXEC = 0x80000;
    private static final int NONBLOCK = 0x800;
    private static final long SYS_PIDFD_OPEN = 434;
    /** struct epoll_event is packed on x86-64 (12 bytes, data at offset 4), naturally aligned elsewhere (16, at 8). */
    private static final boolean PACKED = "amd64".equals(System.getProperty("os.arch")) || "x86_64".equals(System.getProperty("os.arch"));
    static final int EVENT_SIZE = PACKED ? 12 : 16;
    private static final int DATA_OFFSET = PACKED ? 4 : 8;

    private static final StructLayout CAPTURE = LibC.CAPTURE;
    private static final Linker.Option ERRNO_OPTION = LibC.ERRNO_OPTION;

    private static final MethodHandle SYSCALL = LibC.downcall("syscall",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
            ERRNO_OPTION, Linker.Option.firstVariadicArg(1));
    private static final MethodHandle EPOLL_CREATE1 = LibC.downcall("epoll_create1",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle EPOLL_CTL = LibC.downcall("epoll_ctl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS),
            ERRNO_OPTION);
    private static final MethodHandle EPOLL_WAIT = LibC.downcall("epoll_wait",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            ERRNO_OPTION);
    private static final MethodHandle INOTIFY_INIT1 = LibC.downcall("inotify_init1",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle INOTIFY_ADD_WATCH = LibC.downcall("inotify_add_watch",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle INOTIFY_RM_WATCH = LibC.downcall("inotify_rm_watch",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle EVENTFD = LibC.downcall("eventfd",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle READ = LibC.downcall("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), ERRNO_OPTION);
    private static final MethodHandle WRITE = LibC.downcall("write",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), ERRNO_OPTION);

    private KernelEvents() {
    }

    /** {@code pidfd_open(pid, 0)}: a descriptor that turns readable when the process ends, or -errno ({@code -ESRCH}: gone). */
    static int pidfdOpen(long pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            long fd = (long) SYSCALL.invokeExact(state, SYS_PIDFD_OPEN, pid, 0L);
            return fd >= 0 ? (int) fd : -LibC.errno(state);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** A new epoll set (close-on-exec), or -errno. */
    static int epollCreate() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd = (int) EPOLL_CREATE1.invokeExact(state, CLOEXEC);
            return fd >= 0 ? fd : -LibC.errno(state);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** Adds {@code fd} to the set for {@code events}; {@code key} comes back with each of its readiness reports. 0 or -errno. */
    static int epollAdd(int epfd, int fd, int events, long key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment event = arena.allocate(EVENT_SIZE);
            event.set(ValueLayout.JAVA_INT, 0, events);
            event.set(ValueLayout.JAVA_LONG_UNALIGNED, DATA_OFFSET, key);
            int r = (int) EPOLL_CTL.invokeExact(state, epfd, EPOLL_CTL_ADD, fd, event);
            return r == 0 ? 0 : -LibC.errno(state);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** Takes {@code fd} out of the set (before it is closed, so that no report of it is pending under a reused number). */
    static void epollDelete(int epfd, int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int ignored = (int) EPOLL_CTL.invokeExact(state, epfd, EPOLL_CTL_DEL, fd, arena.allocate(EVENT_SIZE));
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for members of the set to be ready; their keys go into {@code keys}. The count,
     * 0 on a timeout or an interrupted wait, or -errno. Blocks the calling thread in the kernel: a platform thread only.
     */
    static int epollWait(int epfd, MemorySegment events, long[] keys, int timeoutMillis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int n = (int) EPOLL_WAIT.invokeExact(state, epfd, events, keys.length, timeoutMillis);
            if (n < 0) {
                int e = LibC.errno(state);
                return e == LibC.EINTR ? 0 : -e;
            }
            for (int i = 0; i < n; i++) {
                keys[i] = events.get(ValueLayout.JAVA_LONG_UNALIGNED, (long) i * EVENT_SIZE + DATA_OFFSET);
            }
            return n;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /**
     * A new inotify instance (non-blocking, close-on-exec): its descriptor, or -errno. Made once and kept: closing one
     * waits for the kernel's SRCU grace period (milliseconds, tens on a busy host), which no request may pay.
     */
    static int inotifyInit() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd = (int) INOTIFY_INIT1.invokeExact(state, CLOEXEC | NONBLOCK);
            return fd >= 0 ? fd : -LibC.errno(state);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** Watches {@code dir} for {@code mask} on the instance {@code fd}: the watch descriptor (the same one again for a directory watched already), or -errno. */
    static int inotifyAddWatch(int fd, Path dir, int mask) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int wd = (int) INOTIFY_ADD_WATCH.invokeExact(state, fd, arena.allocateFrom(dir.toString()), mask);
            return wd >= 0 ? wd : -LibC.errno(state);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** Ends the watch {@code wd} (the kernel frees it later, without waiting here); ignored when it is gone already. */
    static void inotifyRemoveWatch(int fd, int wd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int ignored = (int) INOTIFY_RM_WATCH.invokeExact(state, fd, wd);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** One inotify event: its watch, what happened, and the name of the file in the watched directory ("" for the directory). */
    record InotifyEvent(int wd, int mask, String name) {
    }

    /** Reads every event queued on the inotify descriptor {@code fd} (it never blocks). */
    static List<InotifyEvent> inotifyEvents(int fd) {
        List<InotifyEvent> events = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment buffer = arena.allocate(4096, 8);
            while (true) {
                long n = (long) READ.invokeExact(state, fd, buffer, 4096L);
                if (n <= 0) {
                    return events;
                }
                // struct inotify_event: int wd; uint32 mask, cookie, len; char name[len] (NUL-padded)
                for (long at = 0; at + 16 <= n; ) {
                    int len = buffer.get(ValueLayout.JAVA_INT, at + 12);
                    String name = len > 0 ? buffer.asSlice(at + 16, len).getString(0, StandardCharsets.UTF_8) : "";
                    events.add(new InotifyEvent(buffer.get(ValueLayout.JAVA_INT, at), buffer.get(ValueLayout.JAVA_INT, at + 4), name));
                    at += 16 + len;
                }
            }
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** A non-blocking eventfd: something to wake an epoll wait with. Its descriptor, or -errno. */
    static int eventfd() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd = (int) EVENTFD.invokeExact(state, 0, CLOEXEC | NONBLOCK);
            return fd >= 0 ? fd : -LibC.errno(state);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** Makes the eventfd {@code fd} readable (adds one to its counter). */
    static void eventfdSignal(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment one = arena.allocate(ValueLayout.JAVA_LONG);
            one.set(ValueLayout.JAVA_LONG, 0, 1L);
            long ignored = (long) WRITE.invokeExact(state, fd, one, 8L);
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }
}
