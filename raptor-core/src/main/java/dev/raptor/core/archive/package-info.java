/**
 * Moving a node's state: the {@link dev.raptor.core.archive.StateArchive} port (export every server,
 * import a validated {@link dev.raptor.core.archive.ImportPlan} all or nothing) and its values. The
 * documents themselves live in {@code raptor-wire}, the transaction in {@code raptor-store}.
 */
package dev.raptor.core.archive;
