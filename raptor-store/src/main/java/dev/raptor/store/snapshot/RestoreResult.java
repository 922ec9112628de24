package dev.raptor.store.snapshot;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What a restore did.
 *
 * @param restoredFrom the snapshot now in place as {@code raptor.db}
 * @param replaced     where the database it replaced was kept ({@code raptor-replaced-<time>.db}, with its
 *                     {@code -wal} if it had one), or null when there was none
 */
public record RestoreResult(Path restoredFrom, Path replaced) {

    public Optional<Path> replacedFile() {
        return Optional.ofNullable(replaced);
    }
}
