package dev.raptor.wire.backup;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.UUID;

/**
 * One backup of a server's files: what {@code GET /servers/{id}/backups} lists and
 * {@code GET /servers/{id}/backups/{bid}} answers.
 *
 * @param id         the backup's id ({@code {bid}})
 * @param serverId   the server whose files it holds
 * @param name       its name
 * @param createdAt  when it started
 * @param finishedAt when it was complete or failed; null while running
 * @param status     {@code running}, {@code completed} or {@code failed}
 * @param size       completed: the archive's size in bytes
 * @param sha256     completed: the archive's SHA-256 (lower-case hex), checked before every restore
 * @param format     the archive's format: {@code tar.zst} (Raptor's), {@code tar.gz} (imported)...
 * @param location   where the archive is: {@code local:<key>} or {@code s3:<key>}
 * @param locked     whether retention (and deletion) must leave it alone
 * @param reason     failed: why
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupDocument(UUID id, UUID serverId, String name, Instant createdAt,
                             @JsonInclude(JsonInclude.Include.ALWAYS) Instant finishedAt, String status, Long size,
                             String sha256, String format, String location, boolean locked, String reason) {
}
