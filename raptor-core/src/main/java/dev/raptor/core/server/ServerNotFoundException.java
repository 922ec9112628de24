package dev.raptor.core.server;

import java.util.UUID;

/** No server with this id exists on this node. */
public final class ServerNotFoundException extends RuntimeException {
    private final UUID serverId;

    public ServerNotFoundException(UUID serverId) {
        super("server " + serverId + " does not exist");
        this.serverId = serverId;
    }

    public UUID serverId() {
        return serverId;
    }
}
