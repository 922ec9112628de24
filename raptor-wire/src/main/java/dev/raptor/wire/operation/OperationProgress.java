package dev.raptor.wire.operation;

/**
 * How far a long operation (a backup, a restore) has got.
 *
 * @param stage          {@code archiving}, {@code verifying}, {@code extracting}, {@code swapping}
 * @param bytesDone      bytes done in this stage
 * @param bytesTotal     the stage's total, -1 while unknown
 * @param filesDone      entries done
 * @param filesTotal     entries in all, -1 while unknown
 * @param bytesPerSecond the stage's average rate so far
 */
public record OperationProgress(String stage, long bytesDone, long bytesTotal, long filesDone, long filesTotal, long bytesPerSecond) {
}
