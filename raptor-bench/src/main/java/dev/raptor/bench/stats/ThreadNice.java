package dev.raptor.bench.stats;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The calling thread's nice value on Linux, where each thread has its own ({@code setpriority(PRIO_PROCESS, tid)}): the
 * storm's {@code --poller-nice} ranks the polling thread against the harness's other threads (its console readers, its
 * JIT) inside the harness's cgroup; between cgroups the CPU weight decides, not nice. Java's thread priorities are a
 * no-op on Linux without {@code -XX:ThreadPriorityPolicy=1}, which would also move the JVM's own GC and JIT threads.
 */
public final class ThreadNice {
    private static final int PRIO_PROCESS = 0;

    private ThreadNice() {
    }

    /** The calling thread's id in the kernel ({@code /proc/thread-self} names it). */
    public static long callingThreadId() throws IOException {
        Path self = Files.readSymbolicLink(Path.of("/proc/thread-self")); // "<pid>/task/<tid>"
        return Long.parseLong(self.getFileName().toString());
    }

    /** Sets the calling thread's nice value (-20..19; below its current one needs CAP_SYS_NICE) and returns it as read back. */
    public static int set(int nice) throws IOException {
        long tid = callingThreadId();
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle setpriority = linker.downcallHandle(linker.defaultLookup().find("setpriority").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            int rc = (int) setpriority.invokeExact(PRIO_PROCESS, (int) tid, nice);
            if (rc != 0) {
                throw new IOException("setpriority(" + tid + ", " + nice + ") failed (not allowed to raise a thread's priority?)");
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("setpriority could not be called: " + t, t);
        }
        return of(tid);
    }

    /** A thread's nice value as the kernel reports it (field 19 of {@code /proc/self/task/<tid>/stat}). */
    public static int of(long tid) throws IOException {
        String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // after "pid (comm) ": field 3 onwards
        return Integer.parseInt(f[19 - 3]);
    }
}
