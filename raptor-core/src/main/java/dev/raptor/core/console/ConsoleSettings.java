package dev.raptor.core.console;

import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of the {@link ConsoleHub}.
 *
 * @param historyLines        recent lines kept per watched server for {@code send logs} and {@code logs?tail=N}
 * @param queueLines          the most lines one subscriber may be behind; beyond it its oldest lines are dropped.
 *                            Subscribers share one log per server, so this allowance costs memory only while
 *                            somebody actually lags; it must hold a burst (a {@code flood 20000} printed in
 *                            milliseconds) while a hundred sockets drain it
 * @param queueBytes          the most (estimated) heap the lines of one server's log may hold, whatever their count
 * @param maxBatchLines       the most lines handed to a listener in one call, while it is less than half a queue behind
 *                            (further behind, a few times more: it catches up in fewer, larger writes)
 * @param maxBatchesPerSecond deliveries per subscriber per second at most; above it lines wait and batch up
 *                            (unless the subscriber is half a queue behind: the limit never costs lines)
 * @param engineTimeout       deadline of a history read from the engine
 * @param recheckEvery        how often a server without an open stream is looked at again (a backstop for lost events)
 */
public record ConsoleSettings(int historyLines, int queueLines, long queueBytes, int maxBatchLines, int maxBatchesPerSecond,
                              Duration engineTimeout, Duration recheckEvery) {

    public ConsoleSettings {
        if (historyLines < 0) {
            throw new IllegalArgumentException("historyLines must not be negative");
        }
        if (queueLines < 1 || queueBytes < 1 || maxBatchLines < 1 || maxBatchesPerSecond < 1) {
            throw new IllegalArgumentException("queueLines, queueBytes, maxBatchLines and maxBatchesPerSecond must be at least 1");
        }
        Objects.requireNonNull(engineTimeout, "engineTimeout");
        Objects.requireNonNull(recheckEvery, "recheckEvery");
    }

    public static ConsoleSettings defaults() {
        return new ConsoleSettings(1_000, 50_000, 32L << 20, 5_000, 20, Duration.ofSeconds(10), Duration.ofSeconds(5));
    }

    public ConsoleSettings withHistoryLines(int lines) {
        return new ConsoleSettings(lines, queueLines, queueBytes, maxBatchLines, maxBatchesPerSecond, engineTimeout, recheckEvery);
    }

    public ConsoleSettings withQueueLines(int lines) {
        return new ConsoleSettings(historyLines, lines, queueBytes, maxBatchLines, maxBatchesPerSecond, engineTimeout, recheckEvery);
    }

    public ConsoleSettings withQueueBytes(long bytes) {
        return new ConsoleSettings(historyLines, queueLines, bytes, maxBatchLines, maxBatchesPerSecond, engineTimeout, recheckEvery);
    }

    public ConsoleSettings withBatching(int maxLines, int perSecond) {
        return new ConsoleSettings(historyLines, queueLines, queueBytes, maxLines, perSecond, engineTimeout, recheckEvery);
    }

    public ConsoleSettings withRecheckEvery(Duration every) {
        return new ConsoleSettings(historyLines, queueLines, queueBytes, maxBatchLines, maxBatchesPerSecond, engineTimeout, every);
    }

    /** The shortest time between two deliveries to one subscriber. */
    Duration minInterval() {
        return Duration.ofNanos(1_000_000_000L / maxBatchesPerSecond);
    }
}
