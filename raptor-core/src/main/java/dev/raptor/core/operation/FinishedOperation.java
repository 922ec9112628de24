package dev.raptor.core.operation;

import java.time.Instant;
import java.util.Objects;

/**
 * An operation's answer to write in the commit of the state its action ends in (see {@link PendingOperation}), with the
 * prune that follows every answer ({@link OperationJournal#finishAndPrune}): answered rows that finished before
 * {@code pruneBefore} go, and all but the {@code keep} most recently answered.
 */
public record FinishedOperation(OperationRecord answer, Instant pruneBefore, int keep) {
    public FinishedOperation {
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(pruneBefore, "pruneBefore");
        if (!answer.finished()) {
            throw new IllegalArgumentException("operation " + answer.id() + " is still pending");
        }
        if (keep < 0) {
            throw new IllegalArgumentException("keep must not be negative (was " + keep + ")");
        }
    }
}
