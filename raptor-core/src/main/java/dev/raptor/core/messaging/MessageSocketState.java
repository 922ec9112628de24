package dev.raptor.core.messaging;

import java.time.Instant;

/**
 * A server's message socket as it is now.
 *
 * @param connected         whether the program is connected
 * @param lastCommunication the last message either way, null when none yet (since the daemon started)
 * @param queued            messages the program has not acknowledged yet (written to it or still queued)
 */
public record MessageSocketState(boolean connected, Instant lastCommunication, int queued) {
    public static final MessageSocketState NONE = new MessageSocketState(false, null, 0);
}
