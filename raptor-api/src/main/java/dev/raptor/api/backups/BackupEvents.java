package dev.raptor.api.backups;

import dev.raptor.api.operations.Operation;
import dev.raptor.backup.BackupListener;
import dev.raptor.backup.BackupPublisher;
import dev.raptor.core.backup.BackupProgress;
import dev.raptor.core.backup.BackupRecord;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.server.ServerStore;

/**
 * Tells the world about one backup or restore a request started: what every backup tells ({@link BackupPublisher}:
 * events on the bus, entries in the activity log), and the operation's progress.
 */
final class BackupEvents implements BackupListener {
    private final BackupPublisher publisher;
    private final Operation.Live live;

    BackupEvents(String operation, EventBus bus, ServerStore store, Operation.Live live) {
        this.publisher = new BackupPublisher(operation, bus, store);
        this.live = live;
    }

    @Override
    public void started(BackupRecord backup) {
        live.backupId(backup.id());
        publisher.started(backup);
    }

    @Override
    public void progressed(BackupRecord backup, BackupProgress progress) {
        live.progress(BackupDocuments.of(progress));
        publisher.progressed(backup, progress);
    }

    @Override
    public void completed(BackupRecord backup) {
        publisher.completed(backup);
    }

    @Override
    public void failed(BackupRecord backup, String reason) {
        publisher.failed(backup, reason);
    }
}
