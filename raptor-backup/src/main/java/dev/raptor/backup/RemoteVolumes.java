package dev.raptor.backup;

import java.util.Optional;
import java.util.UUID;

/**
 * Where {@link BackupService} finds the servers whose files are not on this machine's disk: a server placed on a
 * worker node whose files a node agent serves. The backups' records, storage, retention and schedules stay on this
 * machine; only the files are read and written there, through {@link RemoteVolume}.
 */
@FunctionalInterface
public interface RemoteVolumes {
    /** Every server's files are on this machine (one node, or a disk the nodes share). */
    RemoteVolumes NONE = serverId -> Optional.empty();

    /**
     * The node holding the server's files, or empty when they are on this machine.
     *
     * @throws BackupException.NodeUnavailable when where the server is placed cannot be told
     */
    Optional<RemoteVolume> of(UUID serverId) throws BackupException.NodeUnavailable;
}
