/**
 * Operations, the answers to power actions, deletes and spec applies that a client may read later:
 * {@link dev.raptor.core.operation.OperationRecord} and the {@link dev.raptor.core.operation.OperationJournal}
 * port through which they outlive a daemon restart.
 */
package dev.raptor.core.operation;
