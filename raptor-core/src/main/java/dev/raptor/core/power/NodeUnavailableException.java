package dev.raptor.core.power;

import java.util.UUID;

/**
 * A power action (or console input) was refused because the node the server is pinned to does not answer: the API's
 * 409 {@code node-unavailable}. Nothing is recorded, its desired state stays, and it is never started on another node
 * (its files are on that one); it returns to its desired state when the node is back.
 */
public final class NodeUnavailableException extends RuntimeException {
    private final UUID serverId;

    public NodeUnavailableException(UUID serverId, String action) {
        super("server " + serverId + " refuses '" + action + "': the node it runs on (with its files) does not answer; "
                + "it returns to its desired state when the node is back (GET /api/v1/nodes shows the nodes)");
        this.serverId = serverId;
    }

    public UUID serverId() {
        return serverId;
    }
}
