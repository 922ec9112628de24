package dev.raptor.api.operations;

import dev.raptor.wire.operation.OperationProgress;

/**
 * Between the one progress model's two forms: the domain's and the store's
 * ({@link dev.raptor.core.operation.OperationProgress}, which backups and file work report) and the API's
 * ({@link OperationProgress}, which may also carry an image pull's status and layers, kept in memory only).
 */
public final class ProgressDocuments {
    private ProgressDocuments() {
    }

    /** The API's form; null for null. */
    public static OperationProgress of(dev.raptor.core.operation.OperationProgress p) {
        return p == null ? null
                : new OperationProgress(p.stage(), p.bytesDone(), p.bytesTotal(), p.filesDone(), p.filesTotal(), p.bytesPerSecond());
    }

    /** What the store keeps of it (the totals, not a pull's layers); null for null. */
    public static dev.raptor.core.operation.OperationProgress stored(OperationProgress p) {
        return p == null ? null : new dev.raptor.core.operation.OperationProgress(p.stage() == null ? "" : p.stage(),
                p.bytesDone(), p.bytesTotal(), p.filesDone(), p.filesTotal(), p.bytesPerSecond());
    }
}
