package dev.raptor.api.operations;

import dev.raptor.core.operation.OperationKind;
import dev.raptor.core.operation.OperationProblem;
import dev.raptor.core.operation.OperationRecord;
import dev.raptor.core.operation.OperationStatus;
import dev.raptor.core.operation.PendingOperation;
import dev.raptor.core.power.PowerResult;
import dev.raptor.wire.image.ImageDocument;
import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.operation.OperationProgress;
import dev.raptor.wire.problem.Problem;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One submitted operation and the answer it eventually gets, whatever its kind: a power action, delete or spec apply
 * ({@link OperationKind#POWER}: done, superseded or failed, the controller's {@link PowerResult}), long file work
 * ({@link OperationKind#FILES}: compress, decompress, pull, a delete of a tree, which may be cancelled), a backup or
 * restore ({@link OperationKind#BACKUP}) or image work ({@link OperationKind#IMAGE}: a pull, a commit; done with the
 * image it made, or failed with the engine's reason). Long work tells its progress through its {@link Live} the same
 * way whatever its kind. One a daemon restart cut short is superseded by that restart.
 *
 * @param id        its id, the {@code {opId}} of {@code GET /api/v1/operations/{opId}}
 * @param serverId  the server it acts on; null for work of the node (an image pull)
 * @param kind      power, files, backup or image
 * @param action    {@code start}, {@code stop}, ... {@code apply-spec}; {@code compress}, {@code decompress}, {@code pull},
 *                  {@code delete}; {@code backup}, {@code restore}; {@code pull}, {@code commit}
 * @param path      files: the path it produces or works on; else null
 * @param createdAt when it was submitted
 * @param outcome   completes with the answer (never exceptionally)
 * @param live      what it tells while it runs (its progress, the backup it is about) and how it is cancelled
 */
public record Operation(String id, UUID serverId, OperationKind kind, String action, String path, Instant createdAt,
                        CompletableFuture<Outcome> outcome, Live live) {

    public static final String PATH = "/api/v1/operations/";

    public Operation {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(live, "live");
    }

    /**
     * What a long operation (a backup, a restore, file work, an image pull) tells while it runs: its progress, the
     * backup it is about, and how to stop it. Progress is either told ({@link #progress(OperationProgress)}, a
     * backup's steps) or read on demand from a source that keeps its own tally ({@link #follow}, file work's counters,
     * a pull's layers), so readers see it as it stands without the worker converting every step. The store keeps
     * where it ended (and the backup; not a pull's layers); an operation read back from the store after a restart can
     * no longer be cancelled.
     */
    public static final class Live {
        private volatile OperationProgress progress;
        private volatile Supplier<OperationProgress> source;
        private volatile UUID backupId;
        private volatile Runnable cancel;
        private volatile PendingOperation journaled;

        public void progress(OperationProgress p) {
            this.progress = p;
        }

        /** Reads progress from {@code source} whenever asked, until {@link #settle} keeps where it ended. */
        public void follow(Supplier<OperationProgress> source) {
            this.source = source;
        }

        /** Keeps the followed source's last word as the progress and stops reading it (the work has ended). */
        public void settle() {
            Supplier<OperationProgress> s = source;
            if (s != null) {
                progress = s.get();
                source = null;
            }
        }

        public OperationProgress progress() {
            Supplier<OperationProgress> s = source;
            return s != null ? s.get() : progress;
        }

        public void backupId(UUID id) {
            this.backupId = id;
        }

        public UUID backupId() {
            return backupId;
        }

        /** Makes the work cancellable: {@code how} asks it to stop (it answers failed, {@code cancelled}, once its partial output is gone). */
        public void cancellable(Runnable how) {
            this.cancel = how;
        }

        /** A power action or delete journaled with its intent ({@link Operations#submit}); null: none. */
        void journaled(PendingOperation operation) {
            this.journaled = operation;
        }

        PendingOperation journaled() {
            return journaled;
        }

        /**
         * Returns once the operation's pending record is on disk, which a delete's intent may have committed without a
         * sync of its own: before any response names the operation.
         */
        void onDisk() {
            PendingOperation j = journaled;
            if (j != null) {
                j.onDisk();
            }
        }

        /** Asks the work to stop; false when it cannot be (no way to cancel it was given). */
        boolean cancel() {
            Runnable c = cancel;
            if (c == null) {
                return false;
            }
            c.run();
            return true;
        }
    }

    /**
     * How an operation ended; the fields its JSON shows.
     *
     * @param status       done, superseded or failed
     * @param finishedAt   when
     * @param state        done (power, restore): the server's state after it
     * @param supersededBy superseded: what made it moot
     * @param reason       superseded or failed: why
     * @param problem      files, refused: the problem a request would have got
     * @param image        image work that is done: the image it made
     */
    public record Outcome(OperationStatus status, Instant finishedAt, String state, String supersededBy, String reason,
                          Problem problem, ImageDocument image) {
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

        /** A failure with the problem a request would have got. */
        public static Outcome refused(Instant at, String reason, Problem problem) {
            return new Outcome(OperationStatus.FAILED, at, null, null, reason, problem, null);
        }

        /** The answer a store's row holds. */
        static Outcome of(OperationRecord r) {
            Problem problem = r.problem() == null ? null
                    : Problem.of(r.problem().status(), r.problem().type(), ProblemTitles.of(r.problem().type()), r.reason());
            return new Outcome(r.status(), r.finishedAt(), r.state(), r.supersededBy(), r.reason(), problem, null);
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
            outcome.complete(Outcome.of(r));
        }
        Live live = new Live();
        live.progress(ProgressDocuments.of(r.progress()));
        live.backupId(r.backupId());
        return new Operation(r.id(), r.serverId(), r.kind(), r.action(), r.path(), r.createdAt(), outcome, live);
    }

    /** The row the store keeps for it, as it stands now. */
    public OperationRecord toRecord() {
        Outcome o = outcome.getNow(null);
        dev.raptor.core.operation.OperationProgress progress = ProgressDocuments.stored(live.progress());
        if (o == null) {
            return OperationRecord.pending(id, serverId, kind, action, createdAt, path, progress, live.backupId());
        }
        OperationProblem problem = o.problem() == null ? null : new OperationProblem(o.problem().status(), o.problem().slug());
        return new OperationRecord(id, serverId, kind, action, o.status(), createdAt, o.finishedAt(), o.state(), o.supersededBy(),
                o.reason(), path, progress, problem, live.backupId());
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

    /** The operation as it stands now, as the API answers it. */
    public OperationDocument toDocument() {
        Outcome o = outcome.getNow(null);
        return o == null
                ? new OperationDocument(id, href(), serverId, kind.wireName(), action, status(), createdAt, null, null, null, null,
                path, live.progress(), null, live.backupId(), null)
                : new OperationDocument(id, href(), serverId, kind.wireName(), action, o.status().wireName(), createdAt,
                o.finishedAt(), o.state(), o.supersededBy(), o.reason(), path, live.progress(), o.problem(), live.backupId(),
                o.image());
    }
}
