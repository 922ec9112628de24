package dev.raptor.core.backup;

/**
 * Where a backup or restore stands.
 *
 * @param stage          {@code archiving}, {@code verifying}, {@code extracting}, {@code swapping}
 * @param bytesDone      file bytes read (archiving) or written (extracting), archive bytes checked (verifying)
 * @param bytesTotal     the stage's total, -1 while unknown
 * @param filesDone      entries done
 * @param filesTotal     entries in all, -1 while unknown
 * @param bytesPerSecond the stage's average rate so far
 */
public record BackupProgress(String stage, long bytesDone, long bytesTotal, long filesDone, long filesTotal, long bytesPerSecond) {
}
