package dev.raptor.core.operation;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One operation as the store keeps it: what was asked of which server, and, once answered, how it
 * ended. The outcome fields are those the answer has: {@code state} for done, {@code supersededBy}
 * and {@code reason} for superseded, {@code reason} for failed.
 *
 * @param id           the operation's id ({@code {opId}})
 * @param serverId     the server it acts on (which may since have been deleted)
 * @param kind         power (the controller's intents), files (long file work) or backup
 * @param action       power: {@code start}, {@code stop}, {@code restart}, {@code kill}, {@code delete}, {@code apply-spec}...;
 *                     files: {@code compress}, {@code decompress}, {@code pull}, {@code delete}; backup: {@code backup},
 *                     {@code restore}
 * @param status       pending, done, superseded or failed
 * @param createdAt    when it was submitted
 * @param finishedAt   when it got its answer; null exactly while pending
 * @param state        done: the server's state after it (power); else null
 * @param supersededBy superseded: what made it moot; else null
 * @param reason       superseded or failed: why; else null
 * @param path         files: the path it produces or works on (the archive, the destination, the pulled file); else null
 * @param progress     files, backup: how far it came (as last recorded: at its answer); else null
 * @param problem      files, failed because refused: the problem's status and type; else null
 * @param backupId     backup: the backup it made or restored, once known; else null
 */
public record OperationRecord(String id, UUID serverId, OperationKind kind, String action, OperationStatus status,
                              Instant createdAt, Instant finishedAt, String state, String supersededBy, String reason,
                              String path, OperationProgress progress, OperationProblem problem, UUID backupId) {

    public OperationRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        if ((status == OperationStatus.PENDING) != (finishedAt == null)) {
            throw new IllegalArgumentException("operation " + id + " is " + status.wireName()
                    + (finishedAt == null ? " without" : " with") + " a finish time");
        }
    }

    /** A power operation (the members every operation had before operations had kinds). */
    public OperationRecord(String id, UUID serverId, String action, OperationStatus status, Instant createdAt,
                           Instant finishedAt, String state, String supersededBy, String reason) {
        this(id, serverId, OperationKind.POWER, action, status, createdAt, finishedAt, state, supersededBy, reason,
                null, null, null, null);
    }

    /** A just-submitted power operation. */
    public static OperationRecord pending(String id, UUID serverId, String action, Instant createdAt) {
        return new OperationRecord(id, serverId, action, OperationStatus.PENDING, createdAt, null, null, null, null);
    }

    /** A just-submitted operation of any kind. */
    public static OperationRecord pending(String id, UUID serverId, OperationKind kind, String action, Instant createdAt,
                                          String path, OperationProgress progress, UUID backupId) {
        return new OperationRecord(id, serverId, kind, action, OperationStatus.PENDING, createdAt, null, null, null, null,
                path, progress, null, backupId);
    }

    public boolean finished() {
        return status != OperationStatus.PENDING;
    }
}
