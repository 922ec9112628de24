package dev.raptor.core.server;

import java.util.UUID;

/** A server with this id already exists. */
public final class DuplicateServerException extends RuntimeException {
    private final UUID serverId;

    public DuplicateServerException(UUID serverId) {
        super("server " + serverId + " already exists");
        this.serverId = serverId;
    }

    public UUID serverId() {
        return serverId;
    }
}
