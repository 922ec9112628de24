package dev.raptor.api.operations;

import dev.raptor.core.event.RaptorEvent;
import dev.raptor.wire.operation.OperationDocument;

import java.time.Instant;
import java.util.UUID;

/**
 * A long operation moved on (a few times a second at most) or finished: what console sockets relay as
 * {@code operation progress} and {@code operation finished}.
 *
 * @param operation the operation as it stands
 */
public record OperationEvent(UUID serverId, Instant at, OperationDocument operation) implements RaptorEvent {
    /** Whether the operation has its answer. */
    public boolean finished() {
        return !"pending".equals(operation.status());
    }

    @Override
    public String type() {
        return finished() ? "operation.finished" : "operation.progress";
    }
}
