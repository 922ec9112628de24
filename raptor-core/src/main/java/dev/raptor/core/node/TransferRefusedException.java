package dev.raptor.core.node;

import java.util.UUID;

/**
 * A transfer refused because of the state of a node (the target is down or takes no servers): the API's 409
 * {@code transfer-refused}, naming the field ({@code node}). Nothing was stopped or changed.
 */
public final class TransferRefusedException extends RuntimeException {
    private final UUID serverId;
    private final String field;

    public TransferRefusedException(UUID serverId, String field, String message) {
        super(message);
        this.serverId = serverId;
        this.field = field;
    }

    public UUID serverId() {
        return serverId;
    }

    public String field() {
        return field;
    }
}
