/**
 * raptor-backup: backups of a server's files and restores from them, on the file jail (raptor-files), written
 * down through core's {@link dev.raptor.core.backup.BackupJournal} (the store's {@code backups} table).
 *
 * <h2>Where to look</h2>
 * <ul>
 *   <li>the entry point: {@link dev.raptor.backup.BackupService} (create, restore, list, download, lock, delete,
 *       prune, boot recovery); refusals are {@link dev.raptor.backup.BackupException}s, one per problem type</li>
 *   <li>where archives live: {@link dev.raptor.backup.storage.BackupStorage} and its two adapters,
 *       {@link dev.raptor.backup.storage.LocalDirectoryStorage} and {@link dev.raptor.backup.storage.S3Storage}
 *       (multipart, two parts in memory)</li>
 *   <li>how a restore stays all-or-nothing across a crash: {@link dev.raptor.files.ServerVolumes#restore} (stage,
 *       journal, {@code RENAME_EXCHANGE}, boot recovery)</li>
 *   <li>what a server's spec says (its {@code backups} section: ignore patterns, retention, console commands around a
 *       backup): {@link dev.raptor.backup.ServerBackups}, the way in for requested and scheduled backups alike</li>
 *   <li>servers whose files are on another node (a worker's {@code raptord agent}): {@link dev.raptor.backup.RemoteVolumes}
 *       says which, {@link dev.raptor.backup.RemoteVolume} archives and restores there; the archive is made by
 *       {@link dev.raptor.backup.VolumeArchive} on both sides, and records, storage and retention stay here</li>
 *   <li>retention: {@link dev.raptor.backup.retention.Retention} (a pure decision); schedules:
 *       {@link dev.raptor.backup.schedule.ScheduledBackups} (fed from the specs, counted from the newest backup) on
 *       {@link dev.raptor.backup.schedule.BackupScheduler} (one time-keeping thread, backups on a runner)</li>
 * </ul>
 */
package dev.raptor.backup;
