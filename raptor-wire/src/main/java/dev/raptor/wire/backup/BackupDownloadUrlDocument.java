package dev.raptor.wire.backup;

import java.time.Instant;
import java.util.UUID;

/**
 * {@code POST /servers/{id}/backups/{bid}/download-url}: a one-shot URL a browser fetches the backup's archive with,
 * without the API key: bound to that one backup of that one server and to one use, valid until {@code expiresAt}.
 * Whoever holds it may download the archive once; it cannot fetch another backup or a file.
 *
 * @param url       the path and query to request on this node ({@code /api/v1/backups/download?token=...})
 * @param backupId  the backup it is bound to
 * @param expiresAt when it stops working (a download under way then goes on)
 */
public record BackupDownloadUrlDocument(String url, UUID backupId, Instant expiresAt) {
}
