package dev.raptor.bench.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The machine's runnable threads ({@code procs_running} of {@code /proc/stat}, what vmstat's {@code r} column shows),
 * sampled every {@link #PERIOD_MILLIS} ms by a thread of its own while a measurement runs: how many threads wanted the
 * cores at once. The sampler counts itself (1) in each sample. Each sample keeps its time, so that a slow request can
 * be set against the run queue during it ({@link #maxBetween}).
 */
public final class RunQueue implements AutoCloseable {
    static final long PERIOD_MILLIS = 20;
    private final Samples counts = new Samples();
    /** Each sample's {@link System#nanoTime()} and count, in the order taken (under this object's lock). */
    private long[] at = new long[1024];
    private int[] runnable = new int[1024];
    private int taken;
    private final java.lang.Thread sampler;
    private volatile boolean stop;

    private RunQueue() {
        this(true);
    }

    /** {@code sampled} false: no sampler, the samples come from {@link #add} (tests). */
    RunQueue(boolean sampled) {
        sampler = sampled ? java.lang.Thread.ofPlatform().daemon().name("bench-run-queue").start(this::sample) : null;
    }

    /** One sample: {@code count} runnable threads at {@code nanoTime}. */
    synchronized void add(long nanoTime, long count) {
        counts.add(count);
        if (taken == at.length) {
            at = java.util.Arrays.copyOf(at, taken * 2);
            runnable = java.util.Arrays.copyOf(runnable, taken * 2);
        }
        at[taken] = nanoTime;
        runnable[taken++] = (int) count;
    }

    /**
     * The most runnable threads of a sample taken from {@code fromNanos} to {@code toNanos} ({@link System#nanoTime()}),
     * and of the sample just before it (the count then held into the window until the next); -1 when none was taken
     * before the window's end.
     */
    public synchronized long maxBetween(long fromNanos, long toNanos) {
        int i = java.util.Arrays.binarySearch(at, 0, taken, fromNanos);
        int first = i >= 0 ? i : Math.max(0, -i - 2);
        long max = -1;
        for (int k = first; k < taken && at[k] <= toNanos; k++) {
            max = Math.max(max, runnable[k]);
        }
        return max;
    }

    /** Starts sampling now. */
    public static RunQueue start() {
        return new RunQueue();
    }

    private void sample() {
        Path stat = Path.of("/proc/stat");
        while (!stop) {
            try {
                for (String line : Files.readAllLines(stat)) {
                    if (line.startsWith("procs_running ")) {
                        add(System.nanoTime(), Long.parseLong(line.substring(14).strip()));
                    }
                }
                java.lang.Thread.sleep(PERIOD_MILLIS);
            } catch (IOException | NumberFormatException e) {
                return;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** {@code runnable threads (procs_running, every 20 ms): median 3, p99 9, max 14 (n=1800)}; call after {@link #close()}. */
    public synchronized String summary() {
        if (counts.count() == 0) {
            return "runnable threads: not read";
        }
        return String.format(Locale.ROOT, "runnable threads (procs_running, every %d ms, the sampler included): median %d, "
                + "p99 %d, max %d (n=%d)", PERIOD_MILLIS, counts.medianNanos(), counts.p99Nanos(), counts.maxNanos(), counts.count());
    }

    @Override
    public void close() {
        stop = true;
        if (sampler == null) {
            return;
        }
        sampler.interrupt();
        try {
            sampler.join(1_000);
        } catch (InterruptedException e) {
            java.lang.Thread.currentThread().interrupt();
        }
    }
}
