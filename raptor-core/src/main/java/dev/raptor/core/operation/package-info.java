/**
 * Operations, the answers to power actions, deletes, spec applies, long file work and backups that a client may read
 * later: {@link dev.raptor.core.operation.OperationRecord} (with its {@link dev.raptor.core.operation.OperationKind},
 * {@link dev.raptor.core.operation.OperationProgress} and {@link dev.raptor.core.operation.OperationProblem}) and the
 * {@link dev.raptor.core.operation.OperationJournal} port through which they outlive a daemon restart.
 */
package dev.raptor.core.operation;
