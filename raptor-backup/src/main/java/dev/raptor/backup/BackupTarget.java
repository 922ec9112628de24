package dev.raptor.backup;

import dev.raptor.backup.retention.RetentionPolicy;
import dev.raptor.files.FilePolicy;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The server a backup or restore is for, with what its spec says about it.
 *
 * @param serverId  the server
 * @param files     its deny rules and quota (the archive holds what the jail shows; a restore is checked against both)
 * @param retention how many backups it keeps, and how long
 * @param ignore    gitignore patterns its spec leaves out of every backup (after its {@code .raptorignore}'s, before a
 *                  request's)
 */
public record BackupTarget(UUID serverId, FilePolicy files, RetentionPolicy retention, List<String> ignore) {
    public BackupTarget {
        Objects.requireNonNull(serverId, "serverId");
        files = files == null ? FilePolicy.UNRESTRICTED : files;
        retention = retention == null ? RetentionPolicy.KEEP_ALL : retention;
        ignore = ignore == null ? List.of() : List.copyOf(ignore);
    }

    /** Without patterns of its spec's own. */
    public BackupTarget(UUID serverId, FilePolicy files, RetentionPolicy retention) {
        this(serverId, files, retention, List.of());
    }

    public static BackupTarget of(UUID serverId) {
        return new BackupTarget(serverId, FilePolicy.UNRESTRICTED, RetentionPolicy.KEEP_ALL);
    }
}
