package dev.raptor.store.sqlite;

import dev.raptor.store.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Database#writeUnsynced}: its commit alone skips the sync ({@code synchronous=NORMAL}), and every write
 * after it syncs again ({@code synchronous=FULL}), whether the unsynced write committed or rolled back.
 */
class DatabaseSyncTest {
    /** SQLite's numbers for the writer's {@code PRAGMA synchronous}. */
    private static final int NORMAL = 1;
    private static final int FULL = 2;

    @TempDir
    Path dir;

    private Database open() {
        return Database.open(dir.resolve("raptor.db"), Duration.ofSeconds(5), 2);
    }

    private static int synchronous(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int insert(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            return s.executeUpdate("INSERT INTO activity (server, at, type, message, details) VALUES ('s', 1, 't', 'm', '{}')");
        }
    }

    /** The writer's mode, as a write sees it. */
    private static int syncMode(Database db) {
        return db.write("test", DatabaseSyncTest::synchronous);
    }

    private static int rows(Database db) {
        return TableRows.count(db, "activity");
    }

    @Test
    void aWriteSyncsItsCommit() {
        try (Database db = open()) {
            assertThat(syncMode(db)).isEqualTo(FULL);
        }
    }

    @Test
    void anUnsyncedWriteCommitsWithoutASyncAndTheNextWriteSyncsAgain() {
        try (Database db = open()) {
            int during = db.writeUnsynced("test", c -> {
                insert(c);
                return synchronous(c);
            });
            assertThat(during).isEqualTo(NORMAL);
            assertThat(rows(db)).as("committed, visible to readers").isEqualTo(1);
            assertThat(syncMode(db)).isEqualTo(FULL);
        }
    }

    @Test
    void aFailedUnsyncedWriteRollsBackAndLeavesTheWriterSyncing() {
        try (Database db = open()) {
            assertThatThrownBy(() -> db.writeUnsynced("test", c -> {
                insert(c);
                throw new SQLException("no");
            })).isInstanceOf(StoreException.class);
            assertThat(rows(db)).isZero();
            assertThat(syncMode(db)).isEqualTo(FULL);
        }
    }
}
