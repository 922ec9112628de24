package dev.raptor.core.operation;

import java.time.Instant;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Where operations are written down so that their answers outlive a daemon restart: the pending row
 * before a client hears of an operation, its answer when it comes. Implemented by the store; the API
 * reads and writes through this port only. Every write returns once it is durable.
 *
 * <p>An answer is final: once an operation is done, superseded or failed, nothing overwrites it.
 */
public interface OperationJournal {

    /**
     * Records a submitted operation. (A power action's or a delete's pending record is written by its intent
     * instead, in the intent's own commit, and its answer, when done, in the commit of the state the action ends in:
     * see {@link PendingOperation}.)
     *
     * @throws IllegalArgumentException when {@code pending} has already finished
     */
    void begin(OperationRecord pending);

    /**
     * Records an operation's answer (the whole row if its {@link #begin} never made it to disk). An
     * operation that already has an answer keeps it.
     *
     * @throws IllegalArgumentException when {@code answered} is still pending
     */
    void finish(OperationRecord answered);

    /**
     * {@link #finish}, then {@link #prune} as {@code prune(finishedBefore, keep)}: what follows every answer. A store
     * may do both in one commit (one transaction and one turn of its write lock where two cost a turn each, beside the
     * next request's intent); the answer is as durable as {@link #finish} makes it either way.
     *
     * @throws IllegalArgumentException when {@code answered} is still pending or {@code keep} is negative
     */
    default void finishAndPrune(OperationRecord answered, Instant finishedBefore, int keep) {
        finish(answered);
        prune(finishedBefore, keep);
    }

    Optional<OperationRecord> find(String id);

    /**
     * Answers every operation still pending as superseded: for the daemon's boot, when nothing of the
     * previous run works on them any more.
     *
     * @param reason the reason to record, given each operation's kind and action
     * @return how many there were
     */
    int supersedePending(Instant at, String supersededBy, BiFunction<OperationKind, String, String> reason);

    /**
     * Deletes answered operations that finished before {@code finishedBefore}, and beyond that all but
     * the {@code keep} most recently answered. Pending operations stay.
     *
     * @return how many went
     */
    int prune(Instant finishedBefore, int keep);
}
