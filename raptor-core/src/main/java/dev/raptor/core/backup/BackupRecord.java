package dev.raptor.core.backup;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One backup as the store keeps it.
 *
 * @param id         the backup's id ({@code {bid}})
 * @param serverId   the server whose files it holds
 * @param name       its name (given, or made from the time)
 * @param createdAt  when it started
 * @param finishedAt when its archive was complete or it failed; null exactly while running
 * @param status     running, completed or failed
 * @param sizeBytes  completed: the archive's size; else -1
 * @param sha256     completed: the archive's SHA-256 (lower-case hex); else null
 * @param format     the archive's format ({@code tar.zst}, {@code tar.gz})
 * @param location   where the archive is (or was being written)
 * @param locked     whether retention must keep it
 * @param reason     failed: why; else null
 */
public record BackupRecord(UUID id, UUID serverId, String name, Instant createdAt, Instant finishedAt, BackupStatus status,
                           long sizeBytes, String sha256, String format, BackupLocation location, boolean locked,
                           String reason) {

    public BackupRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(location, "location");
        if ((status == BackupStatus.RUNNING) != (finishedAt == null)) {
            throw new IllegalArgumentException("backup " + id + " is " + status.wireName()
                    + (finishedAt == null ? " without" : " with") + " a finish time");
        }
        if (status == BackupStatus.COMPLETED && (sizeBytes < 0 || sha256 == null)) {
            throw new IllegalArgumentException("completed backup " + id + " needs its size and SHA-256");
        }
    }

    /** A backup about to be written. */
    public static BackupRecord running(UUID id, UUID serverId, String name, Instant createdAt, String format, BackupLocation location) {
        return new BackupRecord(id, serverId, name, createdAt, null, BackupStatus.RUNNING, -1, null, format, location, false, null);
    }

    public BackupRecord completed(Instant at, long size, String sha) {
        return new BackupRecord(id, serverId, name, createdAt, at, BackupStatus.COMPLETED, size, sha, format, location, locked, null);
    }

    public BackupRecord failed(Instant at, String why) {
        return new BackupRecord(id, serverId, name, createdAt, at, BackupStatus.FAILED, -1, null, format, location, locked, why);
    }

    public BackupRecord withLocked(boolean lock) {
        return new BackupRecord(id, serverId, name, createdAt, finishedAt, status, sizeBytes, sha256, format, location, lock, reason);
    }
}
