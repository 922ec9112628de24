package dev.raptor.store.sqlite;

import dev.raptor.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

    private Database db;

    @BeforeEach
    void open() {
        db = Database.open(dir.resolve("raptor.db"), Duration.ofSeconds(5), 2);
    }

    @AfterEach
    void close() {
        db.close();
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
    private int syncMode() {
        return db.write("test", DatabaseSyncTest::synchronous);
    }

    private int rows() {
        return db.read("count", c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM activity")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @Test
    void aWriteSyncsItsCommit() {
        assertThat(syncMode()).isEqualTo(FULL);
    }

    @Test
    void anUnsyncedWriteCommitsWithoutASyncAndTheNextWriteSyncsAgain() {
        int during = db.writeUnsynced("test", c -> {
            insert(c);
            return synchronous(c);
        });
        assertThat(during).isEqualTo(NORMAL);
        assertThat(rows()).as("committed, visible to readers").isEqualTo(1);
        assertThat(syncMode()).isEqualTo(FULL);
    }

    @Test
    void aFailedUnsyncedWriteRollsBackAndLeavesTheWriterSyncing() {
        assertThatThrownBy(() -> db.writeUnsynced("test", c -> {
            insert(c);
            throw new SQLException("no");
        })).isInstanceOf(StoreException.class);
        assertThat(rows()).isZero();
        assertThat(syncMode()).isEqualTo(FULL);
    }
}
