package dev.raptor.bench.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time a process has used (user + system, from {@code /proc/<pid>/stat}), to see who spent the cores during a measurement. */
public final class ProcessCpu {
    /** USER_HZ: the unit of utime and stime; 100 on every Linux this runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {
    }

    /** CPU seconds used so far by {@code pid} (its threads included), or -1 when it cannot be read. */
    public static double seconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the command name may contain spaces: fields are counted after its closing parenthesis
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Nanoseconds {@code pid}'s live threads have run on a CPU ({@code /proc/<pid>/task/*&#47;schedstat}, first field): finer
     * than {@link #seconds}' 10 ms ticks, for the CPU of one request; a thread that ended in between takes its time along.
     * -1 when it cannot be read.
     */
    public static long runNanos(long pid) {
        long sum = 0;
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String s = Files.readString(t.resolve("schedstat"));
                    sum += Long.parseLong(s.substring(0, s.indexOf(' ')));
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The private engine's dockerd, from its pid file; -1 when unknown. */
    public static long dockerdPid() {
        try {
            return Long.parseLong(Files.readString(Path.of(System.getenv().getOrDefault("RAPTOR_ENGINE_DIR", "/var/tmp/raptor-engine"),
                    "dockerd.pid")).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
