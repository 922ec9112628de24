package dev.raptor.core.operation;

import java.util.Objects;

/**
 * How far a long operation has come, as every kind tells it (a backup or restore, a file operation) and as the store
 * keeps it: the stage it is in, bytes and files done and in all (a total is -1 while unknown) and the stage's
 * average rate. The API shows the same members (and, for an image pull held in memory, its layers).
 *
 * @param stage          what it is doing now: {@code archiving}, {@code verifying}, {@code extracting},
 *                       {@code swapping} (a backup or restore; {@code archiving} and {@code extracting} for a
 *                       compress and a decompress too), {@code downloading} (a pull), {@code deleting}
 * @param bytesDone      bytes read, written or copied so far in this stage
 * @param bytesTotal     the stage's bytes in all, -1 while unknown
 * @param filesDone      files (archive entries) handled so far
 * @param filesTotal     files in all, -1 while unknown
 * @param bytesPerSecond the stage's average rate so far
 */
public record OperationProgress(String stage, long bytesDone, long bytesTotal, long filesDone, long filesTotal,
                                long bytesPerSecond) {
    public OperationProgress {
        Objects.requireNonNull(stage, "stage");
    }
}
