/**
 * Backups as the domain knows them: the {@link dev.raptor.core.backup.BackupRecord} of one backup of a server's
 * files, and {@link dev.raptor.core.backup.BackupJournal}, the port the store implements to keep them durably.
 * The work itself (archives, storage, restores) is raptor-backup's.
 */
package dev.raptor.core.backup;
