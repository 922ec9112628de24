package dev.raptor.wire.operation;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.raptor.wire.image.ImageDocument;
import dev.raptor.wire.problem.Problem;

import java.time.Instant;
import java.util.UUID;

/**
 * One operation and its answer, whatever its kind: a power action, delete or spec apply ({@code kind: "power"}), long
 * file work ({@code kind: "files"}: compress, decompress, pull, a delete of a tree), a backup or restore
 * ({@code kind: "backup"}) or image work ({@code kind: "image"}: an image pull, a commit). What
 * {@code POST /servers/{id}/power}, {@code DELETE /servers/{id}}, the long file routes, the backup routes,
 * {@code POST /images/pull}, {@code POST /servers/{id}/commit} and {@code GET /operations/{opId}} answer. Long work
 * tells its progress the same way whatever its kind.
 *
 * @param serverId     the server it acts on; absent for work of the node (a pull)
 * @param href         where to read it again ({@code /api/v1/operations/{opId}})
 * @param serverId     the server it acts on; absent for work of the node (an image pull)
 * @param kind         {@code power}, {@code files}, {@code backup} or {@code image}
 * @param action       power: {@code start}, {@code stop}, {@code restart}, {@code kill}, {@code delete},
 *                     {@code delete (forced)}, {@code apply-spec}; files: {@code compress}, {@code decompress},
 *                     {@code pull}, {@code delete}; backup: {@code backup}, {@code restore}; image: {@code pull},
 *                     {@code commit}
 * @param status       {@code pending}, {@code done}, {@code superseded} or {@code failed}
 * @param finishedAt   when it got its answer; null while pending
 * @param state        done (power, restore): the server's state after it
 * @param supersededBy superseded: what made it moot (a later action, {@code shutdown}, {@code daemon restart})
 * @param reason       superseded or failed: why
 * @param path         files: the path it produces or works on (the archive, the destination, the pulled file)
 * @param progress     files, backup, an image pull: how far it has got (while it runs, and where it ended)
 * @param problem      files, failed because refused: the problem a request would have got (quota, a path outside...)
 * @param backupId     backup: the backup it made or restored
 * @param image        image, done: the image it made
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperationDocument(String id, String href, UUID serverId, String kind, String action, String status,
                                Instant createdAt, @JsonInclude(JsonInclude.Include.ALWAYS) Instant finishedAt, String state,
                                String supersededBy, String reason, String path, OperationProgress progress, Problem problem,
                                UUID backupId, ImageDocument image) {

    /** A power action's, delete's or spec apply's answer (no path, progress, problem, backup or image). */
    public OperationDocument(String id, String href, UUID serverId, String action, String status, Instant createdAt,
                             Instant finishedAt, String state, String supersededBy, String reason) {
        this(id, href, serverId, "power", action, status, createdAt, finishedAt, state, supersededBy, reason, null, null, null,
                null, null);
    }
}
