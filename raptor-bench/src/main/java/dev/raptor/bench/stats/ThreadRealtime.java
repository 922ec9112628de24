package dev.raptor.bench.stats;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The calling thread's scheduling policy on Linux ({@code sched_setscheduler(tid, ...)}): the storm's polling thread at
 * {@code SCHED_FIFO} so that it runs the moment its poll is due or its answer arrives, ahead of every ordinary thread of
 * the machine. The poller stands in for a panel on another machine; on the measured machine's two busy cores its own
 * wait for a CPU would otherwise be counted as the daemon's answer time. It runs for tens of microseconds a poll, and
 * its cgroup's real-time budget bounds what it may take (see {@code CpuWeight#placeRealtimeThread}).
 */
public final class ThreadRealtime {
    private static final int SCHED_OTHER = 0;
    private static final int SCHED_FIFO = 1;

    private ThreadRealtime() {
    }

    /** Puts the calling thread in {@code SCHED_FIFO} at {@code priority} (1-99; needs CAP_SYS_NICE and a real-time budget). */
    public static void fifo(int priority) throws IOException {
        set(SCHED_FIFO, priority);
    }

    /** Puts the calling thread back in the ordinary policy ({@code SCHED_OTHER}). */
    public static void ordinary() throws IOException {
        set(SCHED_OTHER, 0);
    }

    /** The calling thread's policy as the kernel reports it (field 41 of its {@code stat}): 0 ordinary, 1 FIFO, 2 RR. */
    public static int policy() throws IOException {
        long tid = ThreadNice.callingThreadId();
        String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // after "pid (comm) ": field 3 onwards
        return Integer.parseInt(f[41 - 3]);
    }

    private static void set(int policy, int priority) throws IOException {
        long tid = ThreadNice.callingThreadId();
        try (Arena arena = Arena.ofConfined()) {
            Linker linker = Linker.nativeLinker();
            MethodHandle setscheduler = linker.downcallHandle(linker.defaultLookup().find("sched_setscheduler").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS),
                    Linker.Option.captureCallState("errno"));
            MemorySegment errno = arena.allocate(Linker.Option.captureStateLayout());
            MemorySegment param = arena.allocate(ValueLayout.JAVA_INT); // struct sched_param { int sched_priority; }
            param.set(ValueLayout.JAVA_INT, 0, priority);
            int rc = (int) setscheduler.invokeExact(errno, (int) tid, policy, param);
            if (rc != 0) {
                int e = errno.get(ValueLayout.JAVA_INT, Linker.Option.captureStateLayout().byteOffset(
                        java.lang.foreign.MemoryLayout.PathElement.groupElement("errno")));
                throw new IOException("sched_setscheduler(" + tid + ", " + policy + ", " + priority + ") failed, errno " + e
                        + (e == 1 ? " (EPERM: no CAP_SYS_NICE, or no real-time budget in the thread's cgroup)" : ""));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("sched_setscheduler could not be called: " + t, t);
        }
    }
}
