package dev.raptor.backup;

import dev.raptor.core.backup.BackupProgress;
import dev.raptor.files.RestorePhase;
import dev.raptor.core.backup.BackupRecord;

/**
 * Hears about one backup or restore: the API turns these into console-socket events and the operation's progress.
 * Called on the working thread, a few times a second at most for progress: keep it quick and never block.
 */
public interface BackupListener {
    BackupListener NONE = new BackupListener() {
    };

    default void started(BackupRecord backup) {
    }

    default void progressed(BackupRecord backup, BackupProgress progress) {
    }

    default void completed(BackupRecord backup) {
    }

    /** A restore moved on (staged, swapping, swapped...): until {@link RestorePhase#SWAPPING} the files are untouched. */
    default void restorePhase(BackupRecord backup, RestorePhase phase) {
    }

    default void failed(BackupRecord backup, String reason) {
    }
}
