package dev.raptor.backup.storage;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The storages a node knows: new backups go to {@link #writeTo()}; an existing backup is read from the storage its
 * record names (a node that moved from local to S3 still restores its older local backups).
 */
public final class StorageSet {
    private final BackupStorage writeTo;
    private final Map<String, BackupStorage> byAdapter = new HashMap<>();

    private StorageSet(BackupStorage writeTo) {
        this.writeTo = Objects.requireNonNull(writeTo, "writeTo");
        byAdapter.put(writeTo.adapter(), writeTo);
    }

    public static StorageSet of(BackupStorage writeTo, BackupStorage... alsoReadable) {
        StorageSet s = new StorageSet(writeTo);
        for (BackupStorage other : alsoReadable) {
            s.byAdapter.putIfAbsent(other.adapter(), other);
        }
        return s;
    }

    public BackupStorage writeTo() {
        return writeTo;
    }

    public Optional<BackupStorage> forAdapter(String adapter) {
        return Optional.ofNullable(byAdapter.get(adapter));
    }
}
