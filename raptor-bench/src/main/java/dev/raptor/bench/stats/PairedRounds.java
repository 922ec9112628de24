package dev.raptor.bench.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rounds of two sides measured back to back (one pair per round, the order alternating), kept as pairs so
 * that a drift of the shared engine between rounds (its storage, its container count, its heap) cancels
 * within each pair. Its figure is the median of the per-pair ratios, to be read beside the ratio of the
 * two sides' medians: when the engine drifts, the two can differ, and the paired one is the fairer. Every
 * pair is kept; nothing is dropped.
 */
public final class PairedRounds {
    private final List<long[]> pairs = new ArrayList<>();

    public synchronized void add(long subjectNanos, long referenceNanos) {
        if (subjectNanos < 0 || referenceNanos <= 0) {
            throw new IllegalArgumentException("a pair needs a duration and a positive reference (was "
                    + subjectNanos + " / " + referenceNanos + " ns)");
        }
        pairs.add(new long[] {subjectNanos, referenceNanos});
    }

    public synchronized int count() {
        return pairs.size();
    }

    /** The nearest-rank median of subject / reference over the pairs (a ratio some pair actually had). */
    public synchronized double medianRatio() {
        double[] ratios = new double[pairs.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = (double) pairs.get(i)[0] / pairs.get(i)[1];
        }
        return nearestRankMedian(ratios);
    }

    /** The nearest-rank median of subject - reference over the pairs, in nanoseconds (may be negative). */
    public synchronized long medianDifferenceNanos() {
        double[] diffs = new double[pairs.size()];
        for (int i = 0; i < diffs.length; i++) {
            diffs[i] = pairs.get(i)[0] - pairs.get(i)[1];
        }
        return (long) nearestRankMedian(diffs);
    }

    private static double nearestRankMedian(double[] values) {
        if (values.length == 0) {
            throw new IllegalStateException("no pairs");
        }
        Arrays.sort(values);
        return values[(int) Math.ceil(values.length / 2.0) - 1];
    }
}
