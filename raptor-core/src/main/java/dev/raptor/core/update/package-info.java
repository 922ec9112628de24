/**
 * Updates of a server's game (the Atlas flow): where a server's new versions come from ({@link
 * dev.raptor.core.update.UpdateSource}), what each update did ({@link dev.raptor.core.update.UpdateRecord}) and where
 * both are written down ({@link dev.raptor.core.update.UpdateJournal}, the store's {@code server_updates} tables).
 * The flow itself lives in raptor-backup ({@code dev.raptor.backup.update}), on the backups and the controller's
 * {@link dev.raptor.core.power.Upgrade}.
 */
package dev.raptor.core.update;
