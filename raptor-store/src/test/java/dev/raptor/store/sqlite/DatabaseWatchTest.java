package dev.raptor.store.sqlite;

import dev.raptor.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Database#watch}: told after each commit which rows of a table changed, never after a rollback. */
class DatabaseWatchTest {
    private static final String INSERT = "INSERT INTO servers (id, name, spec, version, desired, created_at, updated_at) VALUES ";

    @TempDir
    Path dir;

    private Database db;
    private final List<Set<Long>> told = new ArrayList<>();

    @BeforeEach
    void open() {
        db = Database.open(dir.resolve("raptor.db"), Duration.ofSeconds(5), 2);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private void sql(String... statements) {
        db.write("test", c -> {
            try (Statement s = c.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
            }
            return null;
        });
    }

    private int count() {
        return TableRows.count(db, "servers");
    }

    @Test
    void aCommittedWriteTellsTheRowidsItChangedInTheWatchedTableOnly() {
        db.watch("servers", (c, rowids) -> told.add(rowids));

        sql("INSERT INTO activity (server, at, type, message) VALUES ('x', 1, 't', 'm')");
        sql(INSERT + "('a', 'a', '{}', 1, 'stopped', 1, 1)", INSERT + "('b', 'b', '{}', 1, 'stopped', 1, 1)");
        sql("UPDATE servers SET desired = 'running' WHERE id = 'b'", "DELETE FROM servers WHERE id = 'a'");

        assertThat(told).containsExactly(Set.of(1L, 2L), Set.of(1L, 2L));
    }

    @Test
    void theListenerReadsTheCommittedRowsOnTheWriterConnection() {
        List<String> seen = new ArrayList<>();
        db.watch("servers", (c, rowids) -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT desired FROM servers")) {
                while (rs.next()) {
                    seen.add(rs.getString(1));
                }
            }
        });

        sql(INSERT + "('a', 'a', '{}', 1, 'running', 1, 1)");

        assertThat(seen).containsExactly("running");
    }

    @Test
    void aRolledBackWriteTellsNothingNorLeavesRowidsForTheNextOne() {
        db.watch("servers", (c, rowids) -> told.add(rowids));

        assertThatThrownBy(() -> db.write("fails", c -> {
            try (Statement s = c.createStatement()) {
                s.execute(INSERT + "('a', 'a', '{}', 1, 'stopped', 1, 1)");
            }
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThat(told).isEmpty();

        sql(INSERT + "('b', 'b', '{}', 1, 'stopped', 1, 1)");
        assertThat(told).hasSize(1);
        assertThat(told.getFirst()).hasSize(1);
    }

    @Test
    void aConstraintViolationTellsNothing() {
        db.watch("servers", (c, rowids) -> told.add(rowids));

        assertThatThrownBy(() -> sql(INSERT + "('a', 'a', '{}', 1, 'stopped', 1, 1)", INSERT + "('b', 'b', '{}', 0, 'stopped', 1, 1)"))
                .isInstanceOf(StoreException.class).hasMessageContaining("CHECK");

        assertThat(told).isEmpty();
        assertThat(count()).isZero();
    }

    @Test
    void aFailingListenerDoesNotTurnTheCommittedWriteIntoAnError() {
        db.watch("servers", (c, rowids) -> {
            throw new IllegalStateException("listener broke");
        });

        sql(INSERT + "('a', 'a', '{}', 1, 'stopped', 1, 1)");

        assertThat(count()).isEqualTo(1);
    }

    @Test
    void aTableIsWatchedOnce() {
        db.watch("servers", (c, rowids) -> { });

        assertThatThrownBy(() -> db.watch("servers", (c, rowids) -> { })).isInstanceOf(IllegalStateException.class);
    }
}
