package dev.raptor.daemon;

import dev.raptor.backup.BackupSettings;
import dev.raptor.backup.storage.S3Settings;

/**
 * How the node makes and keeps backups: compression, write rate and retention, and, when a bucket is named, S3-compatible
 * storage for new backups (local backups made before stay readable).
 *
 * @param settings the backup service's settings (zstd level and threads, write-rate limit, retention)
 * @param s3       where new backups go, or null for {@code <dataDir>/backups}
 */
public record BackupConfig(BackupSettings settings, S3Settings s3) {
    public static BackupConfig defaults() {
        return new BackupConfig(BackupSettings.defaults(), null);
    }

    @Override
    public String toString() {
        return "level " + settings.compressionLevel() + ", threads " + (settings.threads() == 0 ? "all cores" : settings.threads())
                + ", write rate " + (settings.writeBytesPerSecond() == 0 ? "unlimited" : settings.writeBytesPerSecond() + " B/s")
                + ", keep " + (settings.retention().max() == 0 ? "all" : "the newest " + settings.retention().max())
                + (settings.retention().maxAgeDays() == 0 ? "" : " for " + settings.retention().maxAgeDays() + " days")
                + ", storage " + (s3 == null ? "local" : "s3 " + s3); // S3Settings hides its secret
    }
}
