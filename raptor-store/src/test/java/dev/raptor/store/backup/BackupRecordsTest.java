package dev.raptor.store.backup;

import dev.raptor.core.backup.BackupLocation;
import dev.raptor.core.backup.BackupRecord;
import dev.raptor.core.backup.BackupStatus;
import dev.raptor.store.SqliteStore;
import dev.raptor.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The backups table, against a real SQLite file that is closed and reopened as a daemon restart would. */
class BackupRecordsTest {
    private static final Instant T0 = Instant.parse("2025-03-01T12:00:00.123Z");
    private static final UUID SERVER = UUID.fromString("6d0f3c1e-8a4b-4c2d-9e7f-1a2b3c4d5e6f");

    @TempDir
    Path dataDir;

    private SqliteStore store;
    private BackupRecords records;

    @BeforeEach
    void open() {
        store = SqliteStore.open(dataDir);
        records = store.backupRecords();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void reopen() {
        store.close();
        open();
    }

    private static BackupRecord running(Instant at) {
        UUID id = UUID.randomUUID();
        return BackupRecord.running(id, SERVER, "nightly", at, "tar.zst", new BackupLocation("local", SERVER + "/" + id + ".tar.zst"));
    }

    @Test
    void aCompletedBackupSurvivesReopeningTheStore() {
        BackupRecord b = running(T0);
        records.begin(b);
        assertThat(records.finish(b.completed(T0.plusSeconds(9), 1234, "ab".repeat(32)))).isTrue();

        reopen();

        assertThat(records.find(b.id())).contains(b.completed(T0.plusSeconds(9), 1234, "ab".repeat(32)));
    }

    @Test
    void aRunningBackupIsListedAsRunningUntilItIsAnswered() {
        BackupRecord b = running(T0);
        records.begin(b);
        reopen();

        assertThat(records.running()).containsExactly(b);
        records.finish(b.failed(T0.plusSeconds(1), "interrupted by a daemon restart"));
        assertThat(records.running()).isEmpty();
        assertThat(records.find(b.id()).orElseThrow().reason()).isEqualTo("interrupted by a daemon restart");
    }

    @Test
    void anAnswerIsFinal() {
        BackupRecord b = running(T0);
        records.begin(b);
        records.finish(b.failed(T0.plusSeconds(1), "disk full"));

        assertThat(records.finish(b.completed(T0.plusSeconds(2), 1, "00".repeat(32)))).isFalse();
        assertThat(records.find(b.id()).orElseThrow().status()).isEqualTo(BackupStatus.FAILED);
    }

    @Test
    void aServersBackupsAreListedOldestFirstAndOnlyTheirs() {
        BackupRecord second = running(T0.plusSeconds(60));
        BackupRecord first = running(T0);
        BackupRecord other = BackupRecord.running(UUID.randomUUID(), UUID.randomUUID(), "x", T0, "tar.zst", new BackupLocation("local", "k"));
        records.begin(second);
        records.begin(first);
        records.begin(other);

        assertThat(records.list(SERVER)).containsExactly(first, second);
    }

    @Test
    void lockingIsKeptAndAMissingBackupSaysSo() {
        BackupRecord b = running(T0);
        records.begin(b);

        assertThat(records.setLocked(b.id(), true)).isTrue();
        reopen();
        assertThat(records.find(b.id()).orElseThrow().locked()).isTrue();
        assertThat(records.setLocked(UUID.randomUUID(), true)).isFalse();
    }

    @Test
    void deleteRemovesTheRow() {
        BackupRecord b = running(T0);
        records.begin(b);

        assertThat(records.delete(b.id())).isTrue();
        assertThat(records.delete(b.id())).isFalse();
        assertThat(records.find(b.id())).isEmpty();
    }

    @Test
    void theSameIdCannotBeginTwice() {
        BackupRecord b = running(T0);
        records.begin(b);

        assertThatThrownBy(() -> records.begin(b)).isInstanceOf(StoreException.class);
    }

    @Test
    void aCompletedRecordNeedsItsChecksum() {
        BackupRecord b = running(T0);
        assertThatThrownBy(() -> b.completed(T0, 10, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
