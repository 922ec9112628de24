package dev.raptor.core.event;

import java.time.Instant;
import java.util.UUID;

/**
 * Something that happened on this node, for anyone listening: WebSocket consoles, the activity log,
 * waiting requests, metrics. Open for extension: later modules (backups, installs) add their own
 * event records implementing this interface.
 */
public interface RaptorEvent {
    /** The server it is about. */
    UUID serverId();

    Instant at();

    /** Stable machine-readable type, e.g. {@code server.state}, {@code backup.completed}. */
    String type();
}
