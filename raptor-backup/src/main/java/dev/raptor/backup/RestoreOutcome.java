package dev.raptor.backup;

import dev.raptor.files.RestoreResult;
import dev.raptor.core.backup.BackupRecord;

/**
 * A restore that happened.
 *
 * @param backup the backup restored
 * @param result what was put in place (and, without truncate, kept)
 */
public record RestoreOutcome(BackupRecord backup, RestoreResult result) {
}
