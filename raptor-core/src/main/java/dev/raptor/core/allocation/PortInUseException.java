package dev.raptor.core.allocation;

import java.util.UUID;

/** A server wants a host port that a program other than Raptor's servers holds. Nothing was changed. */
public final class PortInUseException extends RuntimeException {
    private final UUID serverId;
    private final PortInUse inUse;

    public PortInUseException(UUID serverId, PortInUse inUse) {
        super("server " + serverId + " cannot bind " + inUse.describe());
        this.serverId = serverId;
        this.inUse = inUse;
    }

    public UUID serverId() {
        return serverId;
    }

    public PortInUse inUse() {
        return inUse;
    }
}
