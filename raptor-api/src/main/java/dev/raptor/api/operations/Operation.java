package dev.raptor.api.operations;

import dev.raptor.core.operation.OperationKind;
import dev.raptor.core.operation.OperationProblem;
import dev.raptor.core.operation.OperationProgress;
import dev.raptor.core.operation.OperationRecord;
import dev.raptor.core.operation.OperationStatus;
import dev.raptor.core.power.PowerResult;
import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.problem.Problem;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One submitted operation and the answer it eventually gets: a power action, delete or spec apply
 * ({@link OperationKind#POWER}: done, superseded or failed, the controller's {@link PowerResult}), or long file
 * work ({@link OperationKind#FILES}: compress, decompress, pull, a delete of a tree), which reports its progress
 * while it runs and may be cancelled. One a daemon restart cut short is superseded by that restart.
 *
 * @param id        its id, the {@code {opId}} of {@code GET /api/v1/operations/{opId}}
 * @param serverId  the server it acts on
 * @param kind      power or files
 * @param action    {@code start}, {@code stop}, ... {@code apply-spec}; {@code compress}, {@code decompress}, {@code pull}, {@code delete}
 * @param path      files: the path it produces or works on; else null
 * @param createdAt when it was submitted
 * @param outcome   completes with the answer (never exceptionally)
 * @param work      files: the work in progress (its progress, its cancellation); null for power and for one read from the store
 */
public record Operation(String id, UUID serverId, OperationKind kind, String action, String path, Instant createdAt,
                        CompletableFuture<Outcome> outcome, Work work) {

    public static final String PATH = "/api/v1/operations/";

    /** Long work that reports how far it came and stops when asked. */
    public interface Work {
        OperationProgress progress();

        /** Asks the work to stop; it answers failed ({@code cancelled}) once it has removed its partial output. */
        void cancel();
    }

    /**
     * How an operation ended; the fields its JSON shows.
     *
     * @param status       done, superseded or failed
     * @param finishedAt   when
     * @param state        done (power): the server's state after it
     * @param supersededBy superseded: what made it moot
     * @param reason       superseded or failed: why
     * @param progress     files: how far it came
     * @param problem      files, refused: the problem a request would have got
     */
    public record Outcome(OperationStatus status, Instant finishedAt, String state, String supersededBy, String reason,
                          OperationProgress progress, Problem problem) {
        public Outcome {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(finishedAt, "finishedAt");
            if (status == OperationStatus.PENDING) {
                throw new IllegalArgumentException("an outcome is done, superseded or failed");
            }
        }

        public Outcome(OperationStatus status, Instant finishedAt, String state, String supersededBy, String reason) {
            this(status, finishedAt, state, supersededBy, reason, null, null);
        }

        /** The controller's answer, given at {@code at}. */
        public static Outcome of(PowerResult result, Instant at) {
            return switch (result) {
                case PowerResult.Done d -> new Outcome(OperationStatus.DONE, at, d.state().wireName(), null, null);
                case PowerResult.Superseded s -> s.by() == null
                        ? new Outcome(OperationStatus.SUPERSEDED, at, null, "shutdown", "superseded by the daemon shutting down")
                        : new Outcome(OperationStatus.SUPERSEDED, at, null, s.by().describe(),
                        "superseded by a later '" + s.by().describe() + "'");
                case PowerResult.Failed f -> new Outcome(OperationStatus.FAILED, at, null, null, f.reason());
            };
        }
    }

    /** An operation as the store recorded it (pending ones get an outcome that never completes). */
    public static Operation of(OperationRecord r) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        if (r.finished()) {
            Problem problem = r.problem() == null ? null
                    : Problem.of(r.problem().status(), r.problem().type(), ProblemTitles.of(r.problem().type()), r.reason());
            outcome.complete(new Outcome(r.status(), r.finishedAt(), r.state(), r.supersededBy(), r.reason(), r.progress(), problem));
        }
        return new Operation(r.id(), r.serverId(), r.kind(), r.action(), r.path(), r.createdAt(), outcome, null);
    }

    /** The row the store keeps for it, as it stands now. */
    public OperationRecord toRecord() {
        Outcome o = outcome.getNow(null);
        if (o == null) {
            return OperationRecord.pending(id, serverId, kind, action, createdAt, path, currentProgress(null));
        }
        OperationProblem problem = o.problem() == null ? null : new OperationProblem(o.problem().status(), o.problem().slug());
        return new OperationRecord(id, serverId, kind, action, o.status(), createdAt, o.finishedAt(), o.state(), o.supersededBy(),
                o.reason(), path, currentProgress(o), problem);
    }

    public boolean finished() {
        return outcome.isDone();
    }

    /** When it finished, or null while pending. */
    public Instant finishedAt() {
        Outcome o = outcome.getNow(null);
        return o == null ? null : o.finishedAt();
    }

    public String href() {
        return PATH + id;
    }

    /** {@code pending}, {@code done}, {@code superseded} or {@code failed}. */
    public String status() {
        Outcome o = outcome.getNow(null);
        return (o == null ? OperationStatus.PENDING : o.status()).wireName();
    }

    /** Files: how far it came (the live figure while it runs, the final one after); null for power. */
    private OperationProgress currentProgress(Outcome o) {
        if (kind != OperationKind.FILES) {
            return null;
        }
        if (o != null && o.progress() != null) {
            return o.progress();
        }
        return work == null ? OperationProgress.NONE : work.progress();
    }

    /** The operation as it stands now, as the API answers it. */
    public OperationDocument toDocument() {
        Outcome o = outcome.getNow(null);
        OperationProgress p = currentProgress(o);
        OperationDocument.Progress progress = p == null ? null : new OperationDocument.Progress(p.bytesDone(),
                p.bytesTotal() < 0 ? null : p.bytesTotal(), p.filesDone(), p.filesTotal() < 0 ? null : p.filesTotal());
        return o == null
                ? new OperationDocument(id, href(), serverId, kind.wireName(), action, status(), createdAt, null, null, null, null,
                path, progress, null)
                : new OperationDocument(id, href(), serverId, kind.wireName(), action, o.status().wireName(), createdAt,
                o.finishedAt(), o.state(), o.supersededBy(), o.reason(), path, progress, o.problem());
    }
}
