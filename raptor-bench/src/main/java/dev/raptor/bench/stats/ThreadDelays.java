package dev.raptor.bench.stats;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every thread of a process with its CPU time and its scheduler delay (time runnable, waiting for a CPU), from
 * {@code /proc/<pid>/task/<tid>/schedstat} and {@code comm}: a snapshot before a measurement and one after say which
 * threads of the daemon or the harness waited for a core and for how long (a GC worker that waits stretches a pause).
 */
public final class ThreadDelays {
    private record Thread(String name, long runNanos, long delayNanos) {
    }

    private final Map<Long, Thread> byTid;

    private ThreadDelays(Map<Long, Thread> byTid) {
        this.byTid = byTid;
    }

    /** The threads of {@code pid} now (an empty snapshot when /proc cannot be read). */
    public static ThreadDelays of(long pid) {
        Map<Long, Thread> out = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks) {
                try {
                    long[] s = RunDelay.parse(Files.readString(task.resolve("schedstat")));
                    out.put(Long.parseLong(task.getFileName().toString()),
                            new Thread(Files.readString(task.resolve("comm")).strip(), s[0], s[1]));
                } catch (IOException | RuntimeException e) {
                    // the thread ended while it was read
                }
            }
        } catch (IOException e) {
            // not Linux, or the process is gone: nothing to report
        }
        return new ThreadDelays(out);
    }

    /** The thread ids in this snapshot that {@code before} did not have (the threads started in between). */
    public java.util.Set<Long> startedSince(ThreadDelays before) {
        java.util.Set<Long> out = new java.util.HashSet<>(byTid.keySet());
        out.removeAll(before.byTid.keySet());
        return out;
    }

    /**
     * What the threads did between {@code before} and this snapshot, summed by the role {@code role} gives each thread (from
     * its id and name; a thread it gives null is "other"), largest run time first, e.g. {@code polling thread (1): run 9.67 s,
     * waited 21.74 s; console readers (19): run 0.73 s, waited 5.45 s}. Names alone cannot tell two HTTP clients' pools
     * apart (both {@code raptor-client-*}); ids taken when one was built can.
     */
    public String byRole(ThreadDelays before, java.util.function.BiFunction<Long, String, String> role) {
        Map<String, long[]> grouped = new HashMap<>();
        for (var e : byTid.entrySet()) {
            Thread now = e.getValue();
            Thread then = before.byTid.get(e.getKey());
            String r = role.apply(e.getKey(), now.name());
            long[] g = grouped.computeIfAbsent(r == null ? "other" : r, k -> new long[3]);
            g[0]++;
            g[1] += now.runNanos() - (then == null ? 0 : then.runNanos());
            g[2] += now.delayNanos() - (then == null ? 0 : then.delayNanos());
        }
        List<Map.Entry<String, long[]>> sorted = new ArrayList<>(grouped.entrySet());
        sorted.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
        StringBuilder out = new StringBuilder();
        for (var e : sorted) {
            out.append(out.isEmpty() ? "" : "; ").append(String.format(Locale.ROOT, "%s (%d): run %.2f s, waited %.2f s", e.getKey(),
                    e.getValue()[0], e.getValue()[1] / 1e9, e.getValue()[2] / 1e9));
        }
        return out.toString();
    }

    /**
     * The {@code count} threads that ran longest between {@code before} and this snapshot, each by its own name (not
     * grouped): one busy thread in a group of many (an HTTP client's selector among its pool's threads) shows as itself,
     * e.g. {@code raptor-client-33 run 12.10 s, waited 3.40 s}.
     */
    public String busiest(ThreadDelays before, int count) {
        List<long[]> rows = new ArrayList<>();
        for (var e : byTid.entrySet()) {
            Thread then = before.byTid.get(e.getKey());
            rows.add(new long[]{e.getKey(), e.getValue().runNanos() - (then == null ? 0 : then.runNanos()),
                    e.getValue().delayNanos() - (then == null ? 0 : then.delayNanos())});
        }
        rows.sort((a, b) -> Long.compare(b[1], a[1]));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(count, rows.size()); i++) {
            long[] r = rows.get(i);
            out.append(i == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%s run %.2f s, waited %.2f s", byTid.get(r[0]).name(),
                    r[1] / 1e9, r[2] / 1e9));
        }
        return out.toString();
    }

    /**
     * What the threads did between {@code before} and this snapshot, grouped by name with digits dropped ("GC
     * Thread#0" and "GC Thread#1" are one group): run and wait-for-a-CPU seconds, largest wait first, at most
     * {@code groups} groups, e.g. {@code GC Thread# (2): run 1.20 s, waited 0.85 s}.
     */
    public String since(ThreadDelays before, int groups) {
        Map<String, long[]> grouped = new TreeMap<>();
        for (var e : byTid.entrySet()) {
            Thread now = e.getValue();
            Thread then = before.byTid.get(e.getKey());
            long run = now.runNanos() - (then == null ? 0 : then.runNanos());
            long delay = now.delayNanos() - (then == null ? 0 : then.delayNanos());
            long[] g = grouped.computeIfAbsent(now.name().replaceAll("[0-9]+", ""), k -> new long[3]);
            g[0]++;
            g[1] += run;
            g[2] += delay;
        }
        List<Map.Entry<String, long[]>> sorted = new ArrayList<>(grouped.entrySet());
        sorted.sort((a, b) -> Long.compare(b.getValue()[2], a.getValue()[2]));
        long run = 0;
        long delay = 0;
        for (long[] g : grouped.values()) {
            run += g[1];
            delay += g[2];
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "all %d threads: run %.2f s, waited for a CPU %.2f s",
                byTid.size(), run / 1e9, delay / 1e9));
        for (int i = 0; i < Math.min(groups, sorted.size()); i++) {
            var e = sorted.get(i);
            out.append(String.format(Locale.ROOT, "; %s (%d): run %.2f s, waited %.2f s", e.getKey(), e.getValue()[0],
                    e.getValue()[1] / 1e9, e.getValue()[2] / 1e9));
        }
        return out.toString();
    }
}
