package dev.raptor.core.server;

import java.util.UUID;

/** An update named a spec version that is no longer the current one: someone else changed it first. */
public final class StaleVersionException extends RuntimeException {
    private final UUID serverId;
    private final long expected;
    private final long actual;

    public StaleVersionException(UUID serverId, long expected, long actual) {
        super("server " + serverId + " is at version " + actual + ", not " + expected + "; re-read it and try again");
        this.serverId = serverId;
        this.expected = expected;
        this.actual = actual;
    }

    public UUID serverId() {
        return serverId;
    }

    public long expected() {
        return expected;
    }

    public long actual() {
        return actual;
    }
}
