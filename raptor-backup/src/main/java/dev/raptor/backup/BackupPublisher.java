package dev.raptor.backup;

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
 * Tells the node about one backup or restore, whoever started it (a request, the schedule): events on the bus (the
 * console socket's {@code backup started|progress|completed|failed}, the metrics' last backup age) and entries in the
 * server's activity log. Never blocks the work: the bus is asynchronous, an activity write that fails is logged.
 */
public final class BackupPublisher implements BackupListener {
    private static final Logger log = LoggerFactory.getLogger(BackupPublisher.class);

    private final String operation;
    private final EventBus bus;
    private final ServerStore store;

    /** @param operation {@code backup} or {@code restore}: the events' and activity entries' operation */
    public BackupPublisher(String operation, EventBus bus, ServerStore store) {
        this.operation = operation;
        this.bus = bus;
        this.store = store;
    }

    @Override
    public void started(BackupRecord backup) {
        publish("started", backup, null, null);
        activity(backup, "started", operation + " of backup " + backup.name() + " started");
    }

    @Override
    public void progressed(BackupRecord backup, BackupProgress progress) {
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
