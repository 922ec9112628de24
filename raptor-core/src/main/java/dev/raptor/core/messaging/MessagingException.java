package dev.raptor.core.messaging;

import java.util.UUID;

/** A message that could not reach a server's program; {@link #reason()} says which way it failed. */
public final class MessagingException extends RuntimeException {
    /** Why a message was not delivered. */
    public enum Reason {
        /** The server has no message socket ({@code messaging} is off). */
        NOT_ENABLED,
        /** Too many messages wait for the program already. */
        QUEUE_FULL,
        /**
         * The program did not acknowledge it within the delivery timeout (it did not connect, or did not take it, or
         * took it and did not say so); the message was dropped.
         */
        TIMEOUT,
        /** Not one line of JSON within the size limit. */
        INVALID,
        /** The server was deleted, or the daemon is shutting down. */
        CLOSED
    }

    private final UUID serverId;
    private final Reason reason;

    public MessagingException(UUID serverId, Reason reason, String message) {
        super(message, null, false, false);
        this.serverId = serverId;
        this.reason = reason;
    }

    public UUID serverId() {
        return serverId;
    }

    public Reason reason() {
        return reason;
    }
}
