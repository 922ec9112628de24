package dev.raptor.backup;

import dev.raptor.files.RecoveredRestore;
import dev.raptor.core.backup.BackupRecord;

import java.util.List;

/**
 * What the daemon's boot found of backups and restores a crash interrupted, and did about them.
 *
 * @param failedBackups backups that were running: their partial archives removed, now failed with the reason
 * @param restores      restores finished one way or the other (see {@link RecoveredRestore})
 */
public record BootRecovery(List<BackupRecord> failedBackups, List<RecoveredRestore> restores) {
    public BootRecovery {
        failedBackups = List.copyOf(failedBackups);
        restores = List.copyOf(restores);
    }
}
