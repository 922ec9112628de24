package dev.raptor.backup.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import java.util.UUID;

/**
 * When each server's next scheduled backup starts, as the node's scheduler holds it now (the API shows it beside a
 * server's backups). It follows a spec's change shortly after the change (the scheduler learns it from the fleet's
 * events), and moves on as each turn comes, whether that turn made a backup or was skipped.
 */
public interface BackupTimetable {
    /** A node that schedules no backups. */
    BackupTimetable NONE = new BackupTimetable() {
        @Override
        public Optional<Instant> next(UUID serverId) {
            return Optional.empty();
        }

        @Override
        public ZoneId zone() {
            return ZoneId.systemDefault();
        }
    };

    /** When the server's next scheduled backup starts; empty when it has no schedule. */
    Optional<Instant> next(UUID serverId);

    /** The time zone cron expressions are read in. */
    ZoneId zone();
}
