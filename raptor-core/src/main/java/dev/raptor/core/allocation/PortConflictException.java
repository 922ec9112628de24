package dev.raptor.core.allocation;

import java.util.UUID;

/** A spec wants a host port another server already holds. Names both servers and the binding. */
public final class PortConflictException extends RuntimeException {
    private final UUID serverId;
    private final UUID holder;
    private final Allocation wanted;
    private final Allocation held;

    public PortConflictException(UUID serverId, Allocation wanted, UUID holder, Allocation held) {
        super("server " + serverId + " cannot bind " + wanted.hostBinding() + ": server " + holder
                + " already holds " + held.hostBinding());
        this.serverId = serverId;
        this.holder = holder;
        this.wanted = wanted;
        this.held = held;
    }

    public UUID serverId() {
        return serverId;
    }

    /** The server that already holds the port. */
    public UUID holder() {
        return holder;
    }

    public Allocation wanted() {
        return wanted;
    }

    public Allocation held() {
        return held;
    }
}
