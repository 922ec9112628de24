package dev.raptor.bench.stats;

import java.time.Duration;
import java.util.Arrays;

/**
 * Durations measured by one side of a comparison. Percentiles are nearest-rank (the smallest sample
 * at or above the given fraction of the sorted samples), so every figure reported is a duration that
 * was actually measured, never an interpolation.
 */
public final class Samples {
    private long[] nanos = new long[64];
    private int size;

    public synchronized void add(long durationNanos) {
        if (durationNanos < 0) {
            throw new IllegalArgumentException("a duration cannot be negative (was " + durationNanos + " ns)");
        }
        if (size == nanos.length) {
            nanos = Arrays.copyOf(nanos, size * 2);
        }
        nanos[size++] = durationNanos;
    }

    public void add(Duration d) {
        add(d.toNanos());
    }

    public synchronized int count() {
        return size;
    }

    /** The nearest-rank percentile, {@code p} in (0, 100]. */
    public synchronized long percentileNanos(double p) {
        if (size == 0) {
            throw new IllegalStateException("no samples");
        }
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100] (was " + p + ")");
        }
        long[] sorted = Arrays.copyOf(nanos, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * size);
        return sorted[Math.max(0, rank - 1)];
    }

    public long medianNanos() {
        return percentileNanos(50);
    }

    public long p99Nanos() {
        return percentileNanos(99);
    }

    public synchronized long maxNanos() {
        if (size == 0) {
            throw new IllegalStateException("no samples");
        }
        long max = nanos[0];
        for (int i = 1; i < size; i++) {
            max = Math.max(max, nanos[i]);
        }
        return max;
    }

    /** {@code median 12.3 ms, p99 40.1 ms, max 52.0 ms (n=50)}. */
    public String summary() {
        if (count() == 0) {
            return "no samples";
        }
        return "median " + ms(medianNanos()) + ", p99 " + ms(p99Nanos()) + ", max " + ms(maxNanos()) + " (n=" + count() + ")";
    }

    /** Milliseconds with one decimal below 100 ms, whole above. */
    public static String ms(long nanos) {
        double ms = nanos / 1e6;
        return (ms < 100 ? String.format(java.util.Locale.ROOT, "%.1f", ms) : String.format(java.util.Locale.ROOT, "%.0f", ms)) + " ms";
    }
}
