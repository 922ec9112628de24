package dev.raptor.wire.operation;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.raptor.wire.image.ImageDocument;

import java.time.Instant;
import java.util.UUID;

/**
 * One power action, delete, spec apply, backup, restore, image pull or commit and its answer: what
 * {@code POST /servers/{id}/power}, {@code DELETE /servers/{id}}, the backup routes, {@code POST /images/pull},
 * {@code POST /servers/{id}/commit} and {@code GET /operations/{opId}} answer.
 *
 * @param serverId     the server it acts on; absent for work of the node (a pull)
 * @param href         where to read it again ({@code /api/v1/operations/{opId}})
 * @param action       {@code start}, {@code stop}, {@code restart}, {@code kill}, {@code delete},
 *                     {@code delete (forced)}, {@code apply-spec}, {@code backup}, {@code restore}, {@code pull},
 *                     {@code commit}
 * @param status       {@code pending}, {@code done}, {@code superseded} or {@code failed}
 * @param finishedAt   when it got its answer; null while pending
 * @param state        done: the server's state after it
 * @param supersededBy superseded: what made it moot (a later action, {@code shutdown}, {@code daemon restart})
 * @param reason       superseded or failed: why
 * @param progress     a backup, restore or pull: how far it has got (while it runs, and where it ended)
 * @param backupId     a backup or restore: the backup it made or restored
 * @param image        a pull or commit that is done: the image it made
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperationDocument(String id, String href, UUID serverId, String action, String status, Instant createdAt,
                                @JsonInclude(JsonInclude.Include.ALWAYS) Instant finishedAt, String state,
                                String supersededBy, String reason, OperationProgress progress, UUID backupId,
                                ImageDocument image) {

    /** A power action's, delete's or spec apply's answer (no progress, no backup, no image). */
    public OperationDocument(String id, String href, UUID serverId, String action, String status, Instant createdAt,
                             Instant finishedAt, String state, String supersededBy, String reason) {
        this(id, href, serverId, action, status, createdAt, finishedAt, state, supersededBy, reason, null, null, null);
    }
}
