package dev.raptor.api.auth;

import dev.raptor.core.operation.OperationKind;

import java.util.UUID;

/** Whose an operation is, for authorising a server token on {@code /operations/{opId}}: its server and its kind. */
public record OperationOwner(UUID serverId, OperationKind kind) {
}
