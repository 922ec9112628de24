package dev.raptor.core.power;

import java.util.UUID;

/** Console input (or another running-only operation) was sent to a server that is offline. */
public final class ServerNotRunningException extends RuntimeException {
    private final UUID serverId;

    public ServerNotRunningException(UUID serverId) {
        super("server " + serverId + " is not running");
        this.serverId = serverId;
    }

    public UUID serverId() {
        return serverId;
    }
}
