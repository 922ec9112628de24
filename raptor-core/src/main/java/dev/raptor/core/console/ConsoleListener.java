package dev.raptor.core.console;

import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.watch.WatchListener;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Receives one subscriber's console output. Called only from that subscriber's own virtual thread, one
 * call at a time, so it may block (a socket write): that only delays this subscriber, whose queue then
 * drops its oldest lines instead of growing.
 */
public interface ConsoleListener extends WatchListener {

    /** The next lines in order, at least one; many at once when output is fast. */
    void lines(List<LogLine> batch);

    /**
     * The same delivery as {@link #lines(List)}, as the {@link Batch} object that every subscriber of the
     * server handed the same lines shares: override it to derive something from the lines once for all
     * of them (a socket's encoded message). By default it hands the lines to {@link #lines(List)}.
     */
    default void lines(Batch batch) {
        lines(batch.lines());
    }

    /**
     * {@code count} lines were lost because this subscriber fell a full queue behind. Called once per
     * episode: when the subscriber has caught up again (or every few seconds while it stays behind),
     * just before the lines that follow the gap.
     */
    default void dropped(long count) {
    }

    /**
     * One delivery: the lines of a server's console from one sequence number up to (not including)
     * another. Subscribers of a server that read from the same place in the same delivery tick are
     * handed the same lines and the very same {@code Batch} (see {@code LineLog#cut}), so a hundred
     * sockets watching one flood can encode each batch once instead of a hundred times. A subscriber
     * that reads from elsewhere (it lags, or it had to skip lines it lost) gets a batch of its own.
     * Immutable, apart from what listeners derive from it.
     */
    final class Batch {
        private final long from;
        private final List<LogLine> lines;
        /** What listeners derived from the lines, by the function that derived it; usually one entry or none. */
        private final Map<Function<? super List<LogLine>, ?>, Object> derived = new ConcurrentHashMap<>(2);

        /** Takes {@code lines} over: the caller keeps no reference to the list. */
        Batch(long from, List<LogLine> lines) {
            if (lines.isEmpty()) {
                throw new IllegalArgumentException("a batch holds at least one line");
            }
            this.from = from;
            this.lines = Collections.unmodifiableList(lines);
        }

        /** The lines, in order; at least one. */
        public List<LogLine> lines() {
            return lines;
        }

        public int size() {
            return lines.size();
        }

        /**
         * What {@code derive} makes of these lines, computed once per batch however many subscribers ask
         * (concurrent askers wait for the first) and shared by all of them. {@code derive} is the key: pass
         * the same instance (a constant) every time, and one whose result depends on the lines alone.
         */
        @SuppressWarnings("unchecked")
        public <T> T shared(Function<? super List<LogLine>, ? extends T> derive) {
            return (T) derived.computeIfAbsent(derive, f -> derive.apply(lines));
        }

        /** Sequence number of the first line, for equality of ranges in this console's log. */
        long from() {
            return from;
        }

        /** Sequence number after the last line. */
        long to() {
            return from + lines.size();
        }

        @Override
        public String toString() {
            return "Batch[" + from + ", " + to() + ")";
        }
    }
}
