package dev.raptor.store.migration;

import dev.raptor.store.SchemaTooNewException;
import dev.raptor.store.StoreException;
import dev.raptor.store.row.SpecRowsV4;
import dev.raptor.store.sqlite.SqliteErrors;
import dev.raptor.store.sqlite.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Brings a database to the schema this build knows, one {@link Migration} per transaction. The
 * schema version lives in SQLite's {@code PRAGMA user_version} (0 for a new file), which is written
 * in the same transaction as the step, so a crash leaves the database at the old or the new version,
 * never in between.
 *
 * <p>To change the schema, add {@code V<n+1>__what.sql} under {@code src/main/resources/db/migration}
 * and list it in {@link #ALL} (with a {@link Migration.RowStep} when rows must be rewritten); never edit
 * a released script.
 */
public final class Migrations {
    private static final Logger log = LoggerFactory.getLogger(Migrations.class);

    /** Every migration, in order. Class-path directories cannot be listed portably, hence the list. */
    private static final List<Migration> ALL = List.of(
            Migration.fromFileName("V1__servers_and_activity.sql"),
            Migration.fromFileName("V2__sftp_credentials_and_activity_index.sql"),
            Migration.fromFileName("V3__operations.sql"),
            Migration.fromFileName("V4__spec_rows_in_the_store_format.sql").withRows(SpecRowsV4::rewrite),
            Migration.fromFileName("V5__health_probe.sql"),
            Migration.fromFileName("V6__sftp_users_per_server.sql"),
            Migration.fromFileName("V7__backups.sql"),
            Migration.fromFileName("V8__templates_and_installs.sql"),
            Migration.fromFileName("V9__updates.sql"),
            Migration.fromFileName("V10__operation_kinds_and_progress.sql"),
            Migration.fromFileName("V11__pending_removals.sql"));

    static {
        for (int i = 0; i < ALL.size(); i++) {
            if (ALL.get(i).version() != i + 1) {
                throw new ExceptionInInitializerError("migrations must be numbered 1, 2, 3... without gaps: "
                        + ALL.stream().map(Migration::resource).toList());
            }
        }
    }

    private Migrations() {
    }

    /** All migrations, oldest first. */
    public static List<Migration> all() {
        return ALL;
    }

    /** The schema version this build writes. */
    public static int latestVersion() {
        return ALL.size();
    }

    /** The schema version recorded in the database ({@code 0} for a new, empty one). */
    public static int currentVersion(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /**
     * Applies every migration the database lacks.
     *
     * @param connection a connection in auto-commit mode and outside a transaction; each step runs in its own
     * @param file       the database file, for messages
     * @return how many steps were applied
     * @throws SchemaTooNewException when the database is ahead of this build
     */
    public static int migrate(Connection connection, Path file) throws SQLException {
        return migrateTo(connection, file, latestVersion());
    }

    /**
     * Applies migrations up to and including {@code target}. Used by {@link #migrate} and by tests
     * that need a database as an older Raptor left it.
     */
    public static int migrateTo(Connection connection, Path file, int target) throws SQLException {
        if (target < 0 || target > latestVersion()) {
            throw new IllegalArgumentException("no schema version " + target + " (known: 0-" + latestVersion() + ")");
        }
        if (!connection.getAutoCommit()) {
            throw new IllegalArgumentException("migrations manage their own transactions: pass a connection in auto-commit mode");
        }
        int current = currentVersion(connection);
        if (current > latestVersion()) {
            throw new SchemaTooNewException(file, current, latestVersion());
        }
        int applied = 0;
        for (Migration m : ALL.subList(current, Math.max(current, target))) {
            apply(connection, file, m);
            applied++;
        }
        return applied;
    }

    private static void apply(Connection connection, Path file, Migration m) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            try {
                for (String sql : m.statements()) {
                    s.executeUpdate(sql);
                }
                if (m.rows() != null) {
                    int rows = m.rows().apply(connection);
                    log.atInfo().addKeyValue("file", file).addKeyValue("version", m.version()).addKeyValue("rows", rows)
                            .log("rewrote rows for the new schema");
                }
                s.executeUpdate("PRAGMA user_version = " + m.version());
                s.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                Transactions.rollbackQuietly(connection);
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            if (e instanceof SQLException sql && SqliteErrors.isCorruption(sql)) {
                throw sql;
            }
            throw new StoreException("migration V" + m.version() + " (" + m.description() + ") of " + file
                    + " failed and was rolled back: " + e.getMessage(), e);
        }
        log.atInfo().addKeyValue("file", file).addKeyValue("version", m.version())
                .addKeyValue("migration", m.description()).log("migrated database schema");
    }
}
