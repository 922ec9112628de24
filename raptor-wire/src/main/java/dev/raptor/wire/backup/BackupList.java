package dev.raptor.wire.backup;

import java.util.List;

/** {@code GET /servers/{id}/backups}: the server's backups, oldest first. */
public record BackupList(List<BackupDocument> backups) {
    public BackupList {
        backups = List.copyOf(backups);
    }
}
