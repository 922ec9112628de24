package dev.raptor.core.server;

import java.util.UUID;

/** Another server of this node already has the name (names are unique per node, ignoring case). Nothing was changed. */
public final class NameTakenException extends RuntimeException {
    private final UUID serverId;
    private final String name;
    private final UUID holder;
    private final String holderName;

    /**
     * @param serverId   the server that wanted the name
     * @param holder     the server that has it
     * @param holderName its spelling of it
     */
    public NameTakenException(UUID serverId, String name, UUID holder, String holderName) {
        super("the name '" + name + "' is taken by server " + holder
                + (holderName.equals(name) ? "" : " (as '" + holderName + "')") + "; names are unique per node, ignoring case");
        this.serverId = serverId;
        this.name = name;
        this.holder = holder;
        this.holderName = holderName;
    }

    public UUID serverId() {
        return serverId;
    }

    public String name() {
        return name;
    }

    /** The server that has the name. */
    public UUID holder() {
        return holder;
    }

    public String holderName() {
        return holderName;
    }
}
