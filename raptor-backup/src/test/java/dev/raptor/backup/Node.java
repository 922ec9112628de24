package dev.raptor.backup;

import dev.raptor.backup.storage.BackupStorage;
import dev.raptor.backup.storage.LocalDirectoryStorage;
import dev.raptor.backup.storage.StorageSet;
import dev.raptor.files.ServerVolumes;
import dev.raptor.files.usage.UsageSettings;
import dev.raptor.store.SqliteStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;

/**
 * A node as the daemon lays it out, on the real file system and a real SQLite file: {@code <dataDir>/raptor.db},
 * {@code volumes/<id>/}, {@code backups/}; one server with an empty root.
 */
final class Node implements AutoCloseable {
    final Path dataDir;
    final UUID serverId;
    final SqliteStore store;
    final ServerVolumes volumes;
    final LocalDirectoryStorage local;
    final BackupService backups;

    Node(Path dataDir, UUID serverId, BackupSettings settings, BackupStorage writeTo) throws IOException {
        this.dataDir = dataDir;
        this.serverId = serverId;
        this.store = SqliteStore.open(dataDir);
        this.volumes = new ServerVolumes(dataDir.resolve("volumes"), UsageSettings.defaults());
        Files.createDirectories(volumes.root(serverId));
        this.local = new LocalDirectoryStorage(dataDir.resolve("backups"));
        this.backups = new BackupService(store.backupRecords(), volumes,
                StorageSet.of(writeTo == null ? local : writeTo, local), settings, Clock.systemUTC());
    }

    static Node open(Path dataDir) throws IOException {
        return new Node(dataDir, UUID.randomUUID(), BackupSettings.defaults(), null);
    }

    Path root() {
        return volumes.root(serverId);
    }

    BackupTarget target() {
        return BackupTarget.of(serverId);
    }

    @Override
    public void close() {
        volumes.close();
        store.close();
    }
}
