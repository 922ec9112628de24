package dev.raptor.wire.operation;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.raptor.wire.problem.Problem;

import java.time.Instant;
import java.util.UUID;

/**
 * One operation and its answer: a power action, delete or spec apply ({@code kind: "power"}), or long file work
 * ({@code kind: "files"}: compress, decompress, pull, a delete of a tree). What {@code POST /servers/{id}/power},
 * {@code DELETE /servers/{id}}, the long file routes and {@code GET /operations/{opId}} answer.
 *
 * @param href         where to read it again ({@code /api/v1/operations/{opId}})
 * @param kind         {@code power} or {@code files}
 * @param action       power: {@code start}, {@code stop}, {@code restart}, {@code kill}, {@code delete},
 *                     {@code delete (forced)}, {@code apply-spec}; files: {@code compress}, {@code decompress},
 *                     {@code pull}, {@code delete}
 * @param status       {@code pending}, {@code done}, {@code superseded} or {@code failed}
 * @param finishedAt   when it got its answer; null while pending
 * @param state        done (power): the server's state after it
 * @param supersededBy superseded: what made it moot (a later action, {@code shutdown}, {@code daemon restart})
 * @param reason       superseded or failed: why
 * @param path         files: the path it produces or works on (the archive, the destination, the pulled file)
 * @param progress     files: how far it has come
 * @param problem      files, failed because refused: the problem a request would have got (quota, a path outside...)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperationDocument(String id, String href, UUID serverId, String kind, String action, String status,
                                Instant createdAt, @JsonInclude(JsonInclude.Include.ALWAYS) Instant finishedAt, String state,
                                String supersededBy, String reason, String path, Progress progress, Problem problem) {

    /**
     * How far a file operation has come; a total is absent while unknown.
     *
     * @param bytesDone  bytes read, written or copied so far
     * @param bytesTotal bytes in all, when known
     * @param filesDone  files handled so far
     * @param filesTotal files in all, when known
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Progress(long bytesDone, Long bytesTotal, long filesDone, Long filesTotal) {
    }
}
