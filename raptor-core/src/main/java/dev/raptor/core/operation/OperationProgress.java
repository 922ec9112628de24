package dev.raptor.core.operation;

/**
 * How far a long operation has come, in bytes and files; a total is -1 while unknown.
 *
 * @param bytesDone  bytes read, written or copied so far
 * @param bytesTotal bytes it will handle in all, -1 while unknown
 * @param filesDone  files handled so far
 * @param filesTotal files it will handle in all, -1 while unknown
 */
public record OperationProgress(long bytesDone, long bytesTotal, long filesDone, long filesTotal) {
    public static final OperationProgress NONE = new OperationProgress(0, -1, 0, -1);
}
