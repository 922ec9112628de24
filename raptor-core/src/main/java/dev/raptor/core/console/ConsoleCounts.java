package dev.raptor.core.console;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per server, since the daemon started: the console lines that reached the node (while a console,
 * a log follower or a tail watched it: an unwatched server's output is read by nobody) and the lines
 * subscribers lost to their bounded queues. Kept across watches, forgotten when the server is
 * deleted; read by metrics.
 */
public final class ConsoleCounts {
    private final Map<UUID, Counts> counts = new ConcurrentHashMap<>();

    /** One server's counters. */
    static final class Counts {
        final LongAdder lines = new LongAdder();
        final LongAdder dropped = new LongAdder();
    }

    Counts of(UUID serverId) {
        return counts.computeIfAbsent(serverId, id -> new Counts());
    }

    void forget(UUID serverId) {
        counts.remove(serverId);
    }

    /** Lines the server's console received. */
    public long lines(UUID serverId) {
        Counts c = counts.get(serverId);
        return c == null ? 0 : c.lines.sum();
    }

    /** Lines its subscribers lost because they fell a full queue behind (a line lost by two subscribers counts twice). */
    public long dropped(UUID serverId) {
        Counts c = counts.get(serverId);
        return c == null ? 0 : c.dropped.sum();
    }
}
