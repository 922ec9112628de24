package dev.raptor.store;

import dev.raptor.core.server.Specs;
import dev.raptor.core.server.StoredServer;
import dev.raptor.store.migration.Migrations;
import dev.raptor.store.snapshot.RestoreResult;
import dev.raptor.store.snapshot.Snapshot;
import dev.raptor.store.snapshot.Snapshots;
import dev.raptor.store.sqlite.IntegrityCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotTest {
    private static final Instant T0 = Instant.parse("2025-03-14T10:15:02.123Z");

    @TempDir
    Path dataDir;

    private final TestClock clock = new TestClock(T0);

    private SqliteStore open(int retention) {
        return SqliteStore.open(dataDir, StoreOptions.defaults().withClock(clock).withSnapshotRetention(retention));
    }

    @Test
    void aSnapshotIsACompleteDatabaseNamedWithItsUtcTime() {
        try (SqliteStore store = open(10)) {
            store.create(Specs.everyField());

            Snapshot snapshot = store.snapshots().take();

            assertThat(snapshot.file()).isEqualTo(dataDir.toAbsolutePath().resolve("snapshots/raptor-20250314T101502.123Z.db"));
            assertThat(snapshot.takenAt()).isEqualTo(T0);
            assertThat(snapshot.sizeBytes()).isPositive();
            assertThat(IntegrityCheck.verifyFile(snapshot.file())).isEqualTo(Migrations.latestVersion());
        }
    }

    @Test
    void twoSnapshotsInOneMillisecondGetDistinctNames() {
        try (SqliteStore store = open(10)) {
            Snapshot first = store.snapshots().take();
            Snapshot second = store.snapshots().take();

            assertThat(second.file()).isNotEqualTo(first.file());
            assertThat(store.snapshots().list()).containsExactly(second, first);
        }
    }

    @Test
    void retentionKeepsOnlyTheNewestSnapshots() {
        try (SqliteStore store = open(3)) {
            List<Snapshot> taken = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                store.create(Specs.minecraft("server-" + i));
                taken.add(store.snapshots().take());
                clock.advance(Duration.ofMinutes(10));
            }

            assertThat(store.snapshots().list()).containsExactly(taken.get(4), taken.get(3), taken.get(2));
            assertThat(taken.get(0).file()).doesNotExist();
            assertThat(taken.get(1).file()).doesNotExist();
        }
    }

    @Test
    void restoreBringsBackTheStateOfTheSnapshot() {
        Snapshot snapshot;
        StoredServer before;
        try (SqliteStore store = open(10)) {
            before = store.create(Specs.minecraft("lobby"));
            snapshot = store.snapshots().take();
            store.update(before.id(), 1, before.spec().withName("renamed later"));
            store.create(Specs.minecraft("created later"));
        }

        SqliteStore.restore(dataDir, snapshot.file());

        try (SqliteStore store = open(10)) {
            assertThat(store.list()).containsExactly(before);
        }
    }

    @Test
    void restoreKeepsTheReplacedDatabaseAside() {
        Snapshot snapshot;
        try (SqliteStore store = open(10)) {
            snapshot = store.snapshots().take();
            store.create(Specs.minecraft("only in the replaced file"));
        }

        RestoreResult result = SqliteStore.restore(dataDir, snapshot.file());

        Path aside = result.replacedFile().orElseThrow();
        assertThat(aside.getParent()).isEqualTo(dataDir.toAbsolutePath());
        assertThat(aside.getFileName().toString()).startsWith("raptor-replaced-").endsWith(".db");
        assertThat(IntegrityCheck.verifyFile(aside)).isEqualTo(Migrations.latestVersion());
        assertThat(snapshot.file()).exists();
    }

    @Test
    void aWalLeftByACrashFollowsTheReplacedFileInsteadOfReplayingOntoTheRestoredOne(@TempDir Path crashCopy) throws IOException {
        Snapshot snapshot;
        StoredServer before;
        try (SqliteStore store = open(10)) {
            before = store.create(Specs.minecraft("lobby"));
            snapshot = store.snapshots().take();
        }
        try (SqliteStore store = open(10)) {
            store.create(Specs.minecraft("committed to the WAL only"));
            // What a crash leaves: the main file plus a WAL holding commits not yet checkpointed.
            Files.copy(dataDir.resolve("raptor.db"), crashCopy.resolve("raptor.db"));
            Files.copy(dataDir.resolve("raptor.db-wal"), crashCopy.resolve("raptor.db-wal"));
        }
        Files.copy(crashCopy.resolve("raptor.db"), dataDir.resolve("raptor.db"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(crashCopy.resolve("raptor.db-wal"), dataDir.resolve("raptor.db-wal"));

        RestoreResult result = SqliteStore.restore(dataDir, snapshot.file());

        assertThat(dataDir.resolve("raptor.db-wal")).doesNotExist();
        Path aside = result.replacedFile().orElseThrow();
        assertThat(aside.resolveSibling(aside.getFileName() + "-wal")).exists();
        try (SqliteStore store = open(10)) {
            assertThat(store.list()).containsExactly(before);
            assertThat(store.checkIntegrity()).isEmpty();
        }
    }

    @Test
    void restoreIsRefusedWhileTheStoreIsOpen() {
        try (SqliteStore store = open(10)) {
            Snapshot snapshot = store.snapshots().take();
            store.create(Specs.minecraft("still here"));

            assertThatThrownBy(() -> SqliteStore.restore(dataDir, snapshot.file())).isInstanceOf(StoreLockedException.class);
            assertThat(store.list()).hasSize(1);
        }
    }

    @Test
    void aDamagedSnapshotIsNotRestored() throws IOException {
        Snapshot snapshot;
        try (SqliteStore store = open(10)) {
            store.create(Specs.minecraft("keep me"));
            snapshot = store.snapshots().take();
        }
        Files.write(snapshot.file(), new byte[]{1, 2, 3, 4}, java.nio.file.StandardOpenOption.WRITE);

        assertThatThrownBy(() -> SqliteStore.restore(dataDir, snapshot.file()))
                .isInstanceOf(StoreCorruptedException.class)
                .hasMessageContaining(snapshot.file().toString());
        try (SqliteStore store = open(10)) {
            assertThat(store.list()).extracting(s -> s.spec().name()).containsExactly("keep me");
        }
    }

    @Test
    void snapshotsCanBeListedWithTheStoreClosed() {
        Snapshot snapshot;
        try (SqliteStore store = open(10)) {
            snapshot = store.snapshots().take();
        }

        assertThat(Snapshots.list(dataDir)).containsExactly(snapshot);
    }
}
