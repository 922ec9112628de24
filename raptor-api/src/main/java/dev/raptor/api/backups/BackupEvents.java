package dev.raptor.api.backups;

import dev.raptor.api.operations.Operation;
import dev.raptor.backup.BackupListener;
import dev.raptor.core.backup.BackupProgress;
import dev.raptor.core.backup.BackupRecord;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.server.ServerStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Map;

/**
 * Tells the world about one backup or restore: events on the bus (the console socket's {@code backup started},
 * {@code backup progress}, {@code backup completed}, {@code backup failed}), entries in the server's activity log,
 * and the operation's progress. Never blocks the work: the bus is asynchronous, an activity write that fails is
 * logged.
 */
final class BackupEvents implements BackupListener {
    private static final Logger log = LoggerFactory.getLogger(BackupEvents.class);

    private final String operation;
    private final EventBus bus;
    private final ServerStore store;
    private final Operation.Live live;

    BackupEvents(String operation, EventBus bus, ServerStore store, Operation.Live live) {
        this.operation = operation;
        this.bus = bus;
        this.store = store;
        this.live = live;
    }

    @Override
    public void started(BackupRecord backup) {
        live.backupId(backup.id());
        publish("started", backup, null, null);
        activity(backup, "started", operation + " of backup " + backup.name() + " started");
    }

    @Override
    public void progressed(BackupRecord backup, BackupProgress progress) {
        live.progress(BackupDocuments.of(progress));
        publish("progress", backup, progress, null);
    }

    @Override
    public void completed(BackupRecord backup) {
        publish("completed", backup, null, null);
        activity(backup, "completed", operation + " of backup " + backup.name() + " completed"
                + (backup.sizeBytes() >= 0 ? " (" + backup.sizeBytes() + " bytes)" : ""));
    }

    @Override
    public void failed(BackupRecord backup, String reason) {
        publish("failed", backup, null, reason);
        activity(backup, "failed", operation + " of backup " + backup.name() + " failed: " + reason);
    }

    private void publish(String phase, BackupRecord backup, BackupProgress progress, String reason) {
        bus.publish(new ServerEvent.BackupChanged(backup.serverId(), Instant.now(), operation, phase, backup, progress, reason));
    }

    private void activity(BackupRecord backup, String phase, String message) {
        try {
            store.appendActivity(backup.serverId(), operation + "." + phase, message, Map.of("backup", backup.id().toString()));
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("server", backup.serverId()).log("could not record a backup's activity: " + e);
        }
    }
}
