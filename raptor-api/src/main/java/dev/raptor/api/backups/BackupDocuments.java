package dev.raptor.api.backups;

import dev.raptor.core.backup.BackupProgress;
import dev.raptor.core.backup.BackupRecord;
import dev.raptor.wire.backup.BackupDocument;
import dev.raptor.wire.operation.OperationProgress;

/** The wire's documents for backups, from the domain's records. */
public final class BackupDocuments {
    private BackupDocuments() {
    }

    public static BackupDocument of(BackupRecord b) {
        return new BackupDocument(b.id(), b.serverId(), b.name(), b.createdAt(), b.finishedAt(), b.status().wireName(),
                b.sizeBytes() < 0 ? null : b.sizeBytes(), b.sha256(), b.format(), b.location().toString(), b.locked(), b.reason());
    }

    public static OperationProgress of(BackupProgress p) {
        return new OperationProgress(p.stage(), p.bytesDone(), p.bytesTotal(), p.filesDone(), p.filesTotal(), p.bytesPerSecond());
    }
}
