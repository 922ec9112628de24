package dev.raptor.docker;

import java.time.Duration;
import java.util.HashSet;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which of an events stream's events are new: each event once, in whatever order the engine sends them.
 *
 * <p>The engine stamps an event before it takes the lock that publishes it, so events logged at about the same
 * moment (two containers dying at once) can reach a subscriber out of stamp order: on a busy engine one in a few
 * dozen did, up to 125 ms early. Skipping every event stamped before the latest delivered one lost those. Instead a
 * reconnect asks for the events since {@link #OVERLAP} before the latest one delivered, and an event is skipped only
 * when that very event (stamp, action, container) was delivered already. Not thread-safe: one reader at a time.
 */
final class EventReplays {
    /** How far before the latest delivered event a reconnect asks again, and how long delivered events are remembered. */
    static final Duration OVERLAP = Duration.ofSeconds(5);
    private static final long OVERLAP_NANOS = OVERLAP.toNanos();

    private long latestNanos;
    /** The events delivered in the last {@link #OVERLAP} before the latest, by stamp. */
    private final NavigableMap<Long, Set<String>> delivered = new TreeMap<>();

    /** True the first time the event {@code key} stamped {@code nanos} comes; false when it was delivered already. */
    boolean isNew(long nanos, String key) {
        if (!delivered.computeIfAbsent(nanos, n -> new HashSet<>()).add(key)) {
            return false;
        }
        if (nanos > latestNanos) {
            latestNanos = nanos;
            delivered.headMap(latestNanos - OVERLAP_NANOS).clear();
        }
        return true;
    }

    /**
     * The {@code since} a connection asks for (epoch nanoseconds, the engine's clock): every event not delivered yet,
     * none from before {@code subscribedAtNanos}, when the subscription began.
     */
    long sinceNanos(long subscribedAtNanos) {
        return latestNanos == 0 ? subscribedAtNanos : Math.max(subscribedAtNanos, latestNanos - OVERLAP_NANOS);
    }
}
