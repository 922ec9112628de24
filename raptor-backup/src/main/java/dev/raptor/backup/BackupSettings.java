package dev.raptor.backup;

import dev.raptor.backup.retention.RetentionPolicy;

/**
 * How the node makes backups.
 *
 * @param compressionLevel     zstd level, 1 (fastest) to 19; 3 is zstd's own default and keeps up with a disk
 * @param threads              zstd worker threads; 0 = one per core
 * @param writeBytesPerSecond  the most archive bytes written per second, 0 = no limit (a backup must not starve the
 *                             game server of disk bandwidth)
 * @param maxIgnoreFileBytes   a {@code .raptorignore} larger than this is refused
 * @param retention            how many backups each server keeps, and for how long: the node's policy, applied after
 *                             every successful backup (specs cannot name one of their own yet)
 */
public record BackupSettings(int compressionLevel, int threads, long writeBytesPerSecond, int maxIgnoreFileBytes,
                             RetentionPolicy retention) {
    public static final String FORMAT = "tar.zst";

    public BackupSettings {
        if (compressionLevel < 1 || compressionLevel > 19) {
            throw new IllegalArgumentException("the zstd level must be between 1 and 19 (was " + compressionLevel + ")");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (one per core) or more (was " + threads + ")");
        }
        if (writeBytesPerSecond < 0) {
            throw new IllegalArgumentException("the write rate limit must be 0 (none) or positive (was " + writeBytesPerSecond + ")");
        }
        if (maxIgnoreFileBytes < 1) {
            throw new IllegalArgumentException("the ignore file limit must be positive (was " + maxIgnoreFileBytes + ")");
        }
        retention = retention == null ? RetentionPolicy.KEEP_ALL : retention;
    }

    public static BackupSettings defaults() {
        return new BackupSettings(3, 0, 0, 64 * 1024, RetentionPolicy.KEEP_ALL);
    }

    public BackupSettings withWriteBytesPerSecond(long limit) {
        return new BackupSettings(compressionLevel, threads, limit, maxIgnoreFileBytes, retention);
    }

    public BackupSettings withCompression(int level, int workerThreads) {
        return new BackupSettings(level, workerThreads, writeBytesPerSecond, maxIgnoreFileBytes, retention);
    }

    public BackupSettings withRetention(RetentionPolicy policy) {
        return new BackupSettings(compressionLevel, threads, writeBytesPerSecond, maxIgnoreFileBytes, policy);
    }
}
