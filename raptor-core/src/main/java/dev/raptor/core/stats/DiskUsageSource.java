package dev.raptor.core.stats;

import java.util.UUID;

/**
 * Where the {@link StatsHub} reads a server's disk usage: a figure measured and kept current elsewhere (the
 * files module's tracker scans in the background and counts Raptor's own writes), read without waiting. A
 * slow disk-usage walk is a classic way for a daemon to stall, so nothing here may block on one.
 */
public interface DiskUsageSource {
    /** A source that never knows: every reading is unknown. */
    DiskUsageSource NONE = serverId -> DiskReading.UNKNOWN;

    /** The last known figure of the server, at once (unknown before its first measurement). */
    DiskReading reading(UUID serverId);

    /** The server was deleted: drop what is known about it. */
    default void forget(UUID serverId) {
    }
}
