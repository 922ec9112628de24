package dev.raptor.store;

import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.StoredServer;
import dev.raptor.store.migration.Migration;
import dev.raptor.store.migration.Migrations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationTest {
    private static final UUID OLD_SERVER = UUID.fromString("0b7e4f38-2d57-4f8e-9a43-6f1d2c3b4a59");

    @TempDir
    Path dataDir;

    private Path db() {
        return dataDir.resolve("raptor.db");
    }

    /** A database exactly as a Raptor with schema 1 left it: its tables and its rows. */
    private void createSchemaOneDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db())) {
            Migrations.migrateTo(c, db(), 1);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("""
                        INSERT INTO servers (id, name, spec, version, desired, created_at, updated_at) VALUES (
                          '0b7e4f38-2d57-4f8e-9a43-6f1d2c3b4a59', 'old-timer',
                          '{"id":"0b7e4f38-2d57-4f8e-9a43-6f1d2c3b4a59","name":"old-timer","image":"ghcr.io/pterodactyl/yolks:java_17",\
                        "allocations":[{"ip":"0.0.0.0","port":25565,"primary":true}],\
                        "stop":{"type":"command","value":"stop","timeoutSeconds":30}}',
                          4, 'running', 1700000000000, 1700000500000)""");
                s.executeUpdate("""
                        INSERT INTO activity (server, at, type, message, details) VALUES
                          ('0b7e4f38-2d57-4f8e-9a43-6f1d2c3b4a59', 1700000100000, 'power.start', 'started', '{"by":"panel"}'),
                          ('0b7e4f38-2d57-4f8e-9a43-6f1d2c3b4a59', 1700000200000, 'crash', 'exited with 1', '{"exitCode":"1"}')""");
            }
        }
    }

    @Test
    void anOldSchemaIsMigratedWithItsDataIntact() throws Exception {
        createSchemaOneDatabase();

        try (SqliteStore store = SqliteStore.open(dataDir, StoreOptions.defaults().withPasswordIterations(1_000))) {
            StoredServer server = store.find(OLD_SERVER).orElseThrow();
            assertThat(server.spec().name()).isEqualTo("old-timer");
            assertThat(server.version()).isEqualTo(4);
            assertThat(server.desired()).isEqualTo(DesiredState.RUNNING);
            assertThat(server.createdAt().toEpochMilli()).isEqualTo(1700000000000L);
            assertThat(store.activity(OLD_SERVER, Long.MAX_VALUE, 10)).extracting(a -> a.type())
                    .containsExactly("crash", "power.start");

            // the table schema 2 added is there and works
            store.sftpCredentials().set("old-timer.0b7e4f38", OLD_SERVER, "s3cret-pass".toCharArray());
            assertThat(store.sftpCredentials().verify("old-timer.0b7e4f38", "s3cret-pass".toCharArray())).contains(OLD_SERVER);

            // and the one schema 3 added
            store.operationRecords().begin(dev.raptor.store.operation.OperationRecord.pending("op-1", OLD_SERVER, "start",
                    java.time.Instant.ofEpochMilli(1700000600000L)));
            assertThat(store.operationRecords().find("op-1")).isPresent();
        }
        assertThat(userVersion()).isEqualTo(Migrations.latestVersion());
        assertThat(schemaObjects()).contains("table sftp_credentials", "index activity_by_server", "index sftp_credentials_by_server",
                "table operations", "index operations_by_finished_at");
    }

    @Test
    void aNewDatabaseStartsAtTheLatestSchema() throws Exception {
        SqliteStore.open(dataDir).close();

        assertThat(userVersion()).isEqualTo(Migrations.latestVersion()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aDatabaseFromANewerRaptorIsRefusedAndLeftAsItWas() throws Exception {
        SqliteStore.open(dataDir).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement()) {
            s.executeUpdate("PRAGMA user_version = 99");
        }

        assertThatThrownBy(() -> SqliteStore.open(dataDir))
                .isInstanceOf(SchemaTooNewException.class)
                .hasMessage("database " + db() + " has schema version 99 but this Raptor knows only up to "
                        + Migrations.latestVersion() + "; run the newer Raptor that wrote it, or restore a snapshot taken before the upgrade");
        assertThat(userVersion()).isEqualTo(99);
    }

    @Test
    void aFailingMigrationRollsBackAndLeavesTheOldSchema() throws Exception {
        createSchemaOneDatabase();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE sftp_credentials (something TEXT)"); // V2 will collide with this
        }

        assertThatThrownBy(() -> SqliteStore.open(dataDir))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("migration V2")
                .hasMessageContaining("rolled back");
        assertThat(userVersion()).isEqualTo(1);
        assertThat(schemaObjects()).doesNotContain("index activity_by_server");
    }

    @Test
    void migrationsAreNumberedFromOneWithoutGaps() {
        List<Migration> all = Migrations.all();

        assertThat(all).extracting(Migration::version).containsExactly(1, 2, 3);
        assertThat(all).allSatisfy(m -> assertThat(m.statements()).isNotEmpty());
    }

    private int userVersion() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            return rs.getInt(1);
        }
    }

    private List<String> schemaObjects() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT type || ' ' || name FROM sqlite_master")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
