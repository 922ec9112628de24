package dev.raptor.backup;

import dev.raptor.backup.retention.RetentionPolicy;
import dev.raptor.files.FilePolicy;

import java.util.Objects;
import java.util.UUID;

/**
 * The server a backup or restore is for, with what its spec says about it.
 *
 * @param serverId  the server
 * @param files     its deny rules and quota (the archive holds what the jail shows; a restore is checked against both)
 * @param retention how many backups it keeps, and how long
 */
public record BackupTarget(UUID serverId, FilePolicy files, RetentionPolicy retention) {
    public BackupTarget {
        Objects.requireNonNull(serverId, "serverId");
        files = files == null ? FilePolicy.UNRESTRICTED : files;
        retention = retention == null ? RetentionPolicy.KEEP_ALL : retention;
    }

    public static BackupTarget of(UUID serverId) {
        return new BackupTarget(serverId, FilePolicy.UNRESTRICTED, RetentionPolicy.KEEP_ALL);
    }
}
