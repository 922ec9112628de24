/**
 * Operations, the answers to power actions, deletes, spec applies, long file work and backups that a client may read
 * later: {@link dev.raptor.core.operation.OperationRecord} (with its {@link dev.raptor.core.operation.OperationKind},
 * {@link dev.raptor.core.operation.OperationProgress} and {@link dev.raptor.core.operation.OperationProblem}) and the
 * {@link dev.raptor.core.operation.OperationJournal} port through which they outlive a daemon restart. A power action's
 * or a delete's operation rides in the commits of the intent it asks for ({@link dev.raptor.core.operation.PendingOperation}):
 * its pending record in the intent's, its answer in that of the state the action ends in
 * ({@link dev.raptor.core.operation.FinishedOperation}); {@link dev.raptor.core.operation.Durability} says whether a
 * record committed without a sync of its own is on disk yet.
 */
package dev.raptor.core.operation;
