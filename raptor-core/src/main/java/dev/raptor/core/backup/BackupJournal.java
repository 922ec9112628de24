package dev.raptor.core.backup;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where backups are written down: a backup is recorded {@code running} before its archive is written (so a crash
 * leaves a record naming the partial archive), then answered once, completed or failed. Implemented by the store;
 * the backup service reads and writes through this port only. Every write returns once it is durable.
 */
public interface BackupJournal {

    /** Records a backup about to be written. */
    void begin(BackupRecord running);

    /**
     * Records how a running backup ended; one that has already ended keeps its answer.
     *
     * @return whether it was running (and is now answered)
     */
    boolean finish(BackupRecord ended);

    Optional<BackupRecord> find(UUID id);

    /** A server's backups, oldest first. */
    List<BackupRecord> list(UUID serverId);

    /** Backups still running: at boot, those a previous run left half-written. */
    List<BackupRecord> running();

    /** @return whether the backup exists (and now has that lock) */
    boolean setLocked(UUID id, boolean locked);

    /** @return whether there was such a backup */
    boolean delete(UUID id);
}
