package dev.raptor.wire.backup;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /servers/{id}/backups}: the server's backups, oldest first, and when the next scheduled one starts.
 *
 * @param backups      the backups, oldest first
 * @param schedule     the spec's {@code backups.schedule}; null when backups are made only on request (or the server
 *                     was deleted)
 * @param timeZone     the time zone the node reads cron expressions in ({@code Europe/Berlin}, {@code UTC}...)
 * @param nextBackupAt when the node's scheduler starts the next scheduled backup; null without a schedule. A changed
 *                     schedule shows here a moment after the change
 */
public record BackupList(List<BackupDocument> backups, @JsonInclude(JsonInclude.Include.ALWAYS) String schedule, String timeZone,
                         @JsonInclude(JsonInclude.Include.ALWAYS) Instant nextBackupAt) {
    public BackupList {
        backups = List.copyOf(backups);
    }

    /** Backups without schedule information (a client that builds one). */
    public BackupList(List<BackupDocument> backups) {
        this(backups, null, null, null);
    }
}
