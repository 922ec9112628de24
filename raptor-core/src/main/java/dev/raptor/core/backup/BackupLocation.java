package dev.raptor.core.backup;

import java.util.Objects;

/**
 * Where a backup's archive lives.
 *
 * @param adapter the storage that holds it ({@code local}, {@code s3})
 * @param key     its name within that storage (a relative path, an object key)
 */
public record BackupLocation(String adapter, String key) {
    public BackupLocation {
        Objects.requireNonNull(adapter, "adapter");
        Objects.requireNonNull(key, "key");
        if (adapter.isBlank() || key.isBlank()) {
            throw new IllegalArgumentException("a backup location names an adapter and a key");
        }
    }

    @Override
    public String toString() {
        return adapter + ":" + key;
    }
}
