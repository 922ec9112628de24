package dev.raptor.core.operation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A journaled operation on its way through the intent it asks for (a power action, a delete): its pending record, which
 * the store writes with the intent ({@link dev.raptor.core.server.ServerStore#setDesiredState(java.util.UUID,
 * dev.raptor.core.server.DesiredState, PendingOperation)}), and, when the action ends done, its answer, which the store
 * writes in the commit of the state the action ends in. That saves the sync a commit of its own would cost each, and
 * puts the answer on disk before the submitter hears it.
 *
 * <p>The record of an intent that changes no desired state (a delete of a stopped server) is committed without a sync
 * of its own, and the store says so ({@link #committed}): before any answer names the operation, {@link #onDisk} syncs
 * it unless a later synced commit (the removal's, typically) already has. Thread-safe.
 */
public final class PendingOperation {
    private final OperationRecord record;
    private final Clock clock;
    private final Duration retention;
    private final int keep;
    /** How durable the pending record is; null until the store has committed it. */
    private volatile Durability committed;
    /** The answer a commit of the action wrote; null until one did. */
    private volatile OperationRecord answer;

    /**
     * @param record    the pending record
     * @param clock     stamps the answer (the journal's clock, as for the answers it writes itself)
     * @param retention answered operations older than this are pruned when the answer is written
     * @param keep      and all but this many most recently answered
     */
    public PendingOperation(OperationRecord record, Clock clock, Duration retention, int keep) {
        this.record = Objects.requireNonNull(record, "record");
        if (record.finished()) {
            throw new IllegalArgumentException("operation " + record.id() + " begins pending, not " + record.status().wireName());
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retention = Objects.requireNonNull(retention, "retention");
        if (keep < 0) {
            throw new IllegalArgumentException("keep must not be negative (was " + keep + ")");
        }
        this.keep = keep;
    }

    /** The pending record. */
    public OperationRecord record() {
        return record;
    }

    /** The store committed the pending record; {@code durability} tells when it is on disk. */
    public void committed(Durability durability) {
        this.committed = Objects.requireNonNull(durability, "durability");
    }

    /**
     * Returns once the pending record is on disk: call it before any answer names the operation. At once when it
     * already is, or when the store never committed it (the submission failed, and the operation's answer is its
     * whole record).
     *
     * @throws RuntimeException the store's own exception when it cannot sync
     */
    public void onDisk() {
        Durability d = committed;
        if (d != null && !d.onDisk()) {
            d.sync();
        }
    }

    /**
     * The answer "done, the server now {@code state}" to write in the commit of that state, stamped now. Not yet
     * {@link #answer() the answer}: that is once a commit holds it ({@link #answered}).
     *
     * @param state the state's wire name ({@code running}, {@code offline})
     */
    public FinishedOperation done(String state) {
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        OperationRecord done = new OperationRecord(record.id(), record.serverId(), record.kind(), record.action(),
                OperationStatus.DONE, record.createdAt(), at, state, null, null, record.path(), record.progress(), null,
                record.backupId());
        return new FinishedOperation(done, at.minus(retention), keep);
    }

    /** A commit of the action holds {@code finished}'s answer (on disk: those commits are synced). */
    public void answered(FinishedOperation finished) {
        if (!finished.answer().id().equals(record.id())) {
            throw new IllegalArgumentException("answer of operation " + finished.answer().id() + " given to " + record.id());
        }
        this.answer = finished.answer();
    }

    /** The answer a commit of the action wrote (then nobody need write it again); null while none has. */
    public OperationRecord answer() {
        return answer;
    }
}
