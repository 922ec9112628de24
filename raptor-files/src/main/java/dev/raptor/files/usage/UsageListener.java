package dev.raptor.files.usage;

import java.util.UUID;

/** Hears what a disk-usage scan found (the API turns it into an event and an activity entry). */
@FunctionalInterface
public interface UsageListener {
    /** A scan finished with the server above its quota (its files were written by the server itself). */
    void overLimit(UUID serverId, long usedBytes, long limitBytes);

    /** A scan finished with the server within its quota (or without one). */
    default void withinLimit(UUID serverId) {
    }
}
