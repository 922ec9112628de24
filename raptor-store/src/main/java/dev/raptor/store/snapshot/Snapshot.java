package dev.raptor.store.snapshot;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * One snapshot file: a complete, self-contained SQLite database (no WAL) as of {@code takenAt}.
 *
 * @param file      {@code <dataDir>/snapshots/raptor-<UTC time>.db}
 * @param takenAt   when it was taken, from its name (millisecond precision)
 * @param sizeBytes its size on disk
 */
public record Snapshot(Path file, Instant takenAt, long sizeBytes) {
    public Snapshot {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(takenAt, "takenAt");
    }
}
