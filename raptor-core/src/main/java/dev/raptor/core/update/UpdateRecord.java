package dev.raptor.core.update;

import java.time.Instant;
import java.util.UUID;

/**
 * One update of a server, as its history shows it.
 *
 * @param from     the version before (null: not known, the server's first update)
 * @param to       the version asked for
 * @param stage    how far it got: {@code downloading}, {@code backing-up}, {@code applying}, {@code starting},
 *                 {@code rolling-back}, {@code done}; a crash's recovery reads it
 * @param backupId the backup taken before the new files went in (null until it is)
 * @param reason   why it failed or was rolled back (null otherwise)
 */
public record UpdateRecord(UUID id, UUID serverId, String from, String to, Instant startedAt, Instant finishedAt,
                           UpdateOutcome outcome, String stage, UUID backupId, String reason) {
    public static UpdateRecord started(UUID serverId, String from, String to, Instant at) {
        return new UpdateRecord(UUID.randomUUID(), serverId, from, to, at, null, UpdateOutcome.RUNNING, "downloading", null, null);
    }

    public UpdateRecord at(String newStage) {
        return new UpdateRecord(id, serverId, from, to, startedAt, finishedAt, outcome, newStage, backupId, reason);
    }

    public UpdateRecord backedUp(UUID backup) {
        return new UpdateRecord(id, serverId, from, to, startedAt, finishedAt, outcome, stage, backup, reason);
    }

    public UpdateRecord finished(UpdateOutcome how, Instant at, String why) {
        return new UpdateRecord(id, serverId, from, to, startedAt, at, how, "done", backupId, why);
    }
}
