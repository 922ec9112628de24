package dev.raptor.api.operations;

import dev.raptor.core.operation.OperationRecord;
import dev.raptor.core.operation.OperationStatus;
import dev.raptor.core.power.PowerResult;
import dev.raptor.wire.image.ImageDocument;
import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.operation.OperationProgress;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One submitted power action, delete, spec apply, backup or restore, and the answer it eventually gets: done,
 * superseded or failed (the controller's {@link PowerResult}), or, for one a daemon restart cut
 * short, superseded by that restart. Image work (a pull, a commit) is an operation too: done with the
 * image it made, or failed with the engine's reason.
 *
 * @param id        its id, the {@code {opId}} of {@code GET /api/v1/operations/{opId}}
 * @param serverId  the server it acts on; null for work of the node (a pull)
 * @param action    {@code start}, {@code stop}, {@code restart}, {@code kill}, {@code delete}, {@code apply-spec},
 *                  {@code backup}, {@code restore}, {@code pull}, {@code commit}
 * @param createdAt when it was submitted
 * @param outcome   completes with the answer (never exceptionally)
 * @param live      what it tells while it runs (a backup's or pull's progress, the backup it is about)
 */
public record Operation(String id, UUID serverId, String action, Instant createdAt, CompletableFuture<Outcome> outcome, Live live) {

    /**
     * What a long operation (a backup, a restore, a pull) tells while it runs: its progress and the backup it is
     * about. Kept in memory only; an operation read back from the store after a restart has neither. Progress is
     * either told ({@link #progress(OperationProgress)}, a backup's steps) or read on demand from a source that
     * keeps its own tally ({@link #follow}, a pull's layers), so readers see it as it stands without the worker
     * converting every step.
     */
    public static final class Live {
        private volatile OperationProgress progress;
        private volatile Supplier<OperationProgress> source;
        private volatile UUID backupId;

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
    }

    public Operation(String id, UUID serverId, String action, Instant createdAt, CompletableFuture<Outcome> outcome) {
        this(id, serverId, action, createdAt, outcome, new Live());
    }

    public static final String PATH = "/api/v1/operations/";

    /**
     * How an operation ended; the fields its JSON shows.
     *
     * @param status       done, superseded or failed
     * @param finishedAt   when
     * @param state        done: the server's state after it
     * @param supersededBy superseded: what made it moot
     * @param reason       superseded or failed: why
     * @param image        a pull or commit that is done: the image it made
     */
    public record Outcome(OperationStatus status, Instant finishedAt, String state, String supersededBy, String reason,
                          ImageDocument image) {
        public Outcome(OperationStatus status, Instant finishedAt, String state, String supersededBy, String reason) {
            this(status, finishedAt, state, supersededBy, reason, null);
        }

        public Outcome {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(finishedAt, "finishedAt");
            if (status == OperationStatus.PENDING) {
                throw new IllegalArgumentException("an outcome is done, superseded or failed");
            }
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
            outcome.complete(new Outcome(r.status(), r.finishedAt(), r.state(), r.supersededBy(), r.reason()));
        }
        return new Operation(r.id(), r.serverId(), r.action(), r.createdAt(), outcome);
    }

    /** The row the store keeps for it, as it stands now. */
    public OperationRecord toRecord() {
        Outcome o = outcome.getNow(null);
        return o == null
                ? OperationRecord.pending(id, serverId, action, createdAt)
                : new OperationRecord(id, serverId, action, o.status(), createdAt, o.finishedAt(), o.state(), o.supersededBy(), o.reason());
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
                ? new OperationDocument(id, href(), serverId, action, status(), createdAt, null, null, null, null,
                live.progress(), live.backupId(), null)
                : new OperationDocument(id, href(), serverId, action, o.status().wireName(), createdAt, o.finishedAt(),
                o.state(), o.supersededBy(), o.reason(), live.progress(), live.backupId(), o.image());
    }
}
