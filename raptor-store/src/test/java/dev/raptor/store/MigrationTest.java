package dev.raptor.store;

import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.Specs;
import dev.raptor.core.server.StoredServer;
import dev.raptor.store.migration.Migration;
import dev.raptor.store.migration.Migrations;
import dev.raptor.store.row.SpecFormat;
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

        try (SqliteStore store = SqliteStore.open(dataDir, StoreOptions.defaults().withPasswordCost(dev.raptor.store.sftp.PasswordCost.TESTING))) {
            StoredServer server = store.find(OLD_SERVER).orElseThrow();
            assertThat(server.spec().name()).isEqualTo("old-timer");
            assertThat(server.version()).isEqualTo(4);
            assertThat(server.desired()).isEqualTo(DesiredState.RUNNING);
            assertThat(server.createdAt().toEpochMilli()).isEqualTo(1700000000000L);
            assertThat(store.activity(OLD_SERVER, Long.MAX_VALUE, 10)).extracting(a -> a.type())
                    .containsExactly("crash", "power.start");

            // the SFTP users table (schema 5 replaced schema 2's logins) is there and works
            store.sftpUsers().create(OLD_SERVER, new dev.raptor.core.sftp.NewSftpUser("old-timer", "s3cret-pass".toCharArray(),
                    null, null, null));
            assertThat(store.sftpUsers().checkPassword(OLD_SERVER, "old-timer", "s3cret-pass".toCharArray()))
                    .isInstanceOf(dev.raptor.store.sftp.LoginCheck.Accepted.class);

            // and the one schema 3 added
            store.operationRecords().begin(dev.raptor.core.operation.OperationRecord.pending("op-1", OLD_SERVER, "start",
                    java.time.Instant.ofEpochMilli(1700000600000L)));
            assertThat(store.operationRecords().find("op-1")).isPresent();
        }
        assertThat(userVersion()).isEqualTo(Migrations.latestVersion());
        assertThat(schemaObjects()).contains("table sftp_users", "index activity_by_server",
                "table operations", "index operations_by_finished_at").doesNotContain("table sftp_credentials");
        // and schema 4 rewrote its spec in the store's own format
        assertThat(specColumns(OLD_SERVER)).satisfies(row -> {
            assertThat(row.format()).isEqualTo(SpecFormat.CURRENT.number());
            assertThat(row.text()).contains("\"ports\":[{\"ip\":\"0.0.0.0\",\"hostPort\":25565,\"containerPort\":25565")
                    .contains("\"timeout\":\"PT30S\"").doesNotContain("timeoutSeconds");
        });
    }

    /**
     * The spec of {@link Specs#everyField()} exactly as schemas 1-3 stored it: the API's spec JSON of
     * that time, every section written, durations in decimal seconds.
     */
    private static final String EVERY_FIELD_V1 = "{\"id\":\"3f1c2a9e-6c1b-4c5e-9d1a-2b7f0e8c4d21\",\"name\":\"Survival SMP\","
            + "\"image\":\"ghcr.io/pterodactyl/yolks:java_21\",\"startup\":\"java -Xms128M -Xmx4096M -jar server.jar nogui\","
            + "\"environment\":{\"EULA\":\"TRUE\",\"MOTD\":\"Welcome, \\\"friend\\\"\"},"
            + "\"allocations\":[{\"ip\":\"0.0.0.0\",\"port\":25565,\"containerPort\":25565,\"protocol\":\"tcp\",\"primary\":true},"
            + "{\"ip\":\"0.0.0.0\",\"port\":25575,\"containerPort\":25575,\"protocol\":\"tcp\",\"primary\":false},"
            + "{\"ip\":\"::\",\"port\":19132,\"containerPort\":19133,\"protocol\":\"udp\",\"primary\":false}],"
            + "\"limits\":{\"memoryMiB\":4096,\"swapMiB\":512,\"cpuPercent\":250,\"threads\":\"0-1,3\",\"diskMiB\":20480,"
            + "\"ioWeight\":750,\"pidsLimit\":512,\"oomKiller\":false},"
            + "\"stop\":{\"type\":\"rcon\",\"value\":\"stop\",\"timeoutSeconds\":45,\"port\":25575,\"password\":\"hunter2\"},"
            + "\"restart\":{\"policy\":\"on-failure\",\"maxRetries\":5},"
            + "\"mounts\":[{\"source\":\"/srv/raptor/maps\",\"target\":\"/maps\",\"readOnly\":true},"
            + "{\"source\":\"/srv/raptor/backups\",\"target\":\"/backups\",\"readOnly\":false}],"
            + "\"labels\":{\"plan\":\"gold\",\"team\":\"eu\"},\"extraHosts\":{\"db.internal\":\"10.0.0.5\"},"
            + "\"healthCheck\":{\"command\":\"mc-health --port 25565\",\"intervalSeconds\":20,\"timeoutSeconds\":2.5,"
            + "\"retries\":4,\"startPeriodSeconds\":90},\"readyPattern\":\"Done \\\\(\"}";

    /**
     * What {@link #EVERY_FIELD_V1} holds: everything of {@link Specs#everyField()} but what specs learnt later (its
     * settle window, its networks, its restart when unhealthy).
     */
    private static final ServerSpec EVERY_FIELD_BEFORE_SETTLE = Specs.everyField().toBuilder().settle(null).networks(null)
            .restartPolicy(Specs.everyField().restartPolicy().withOnUnhealthy(false)).build();

    private static final UUID BROKEN = UUID.fromString("9d0e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a");

    /** A database as a Raptor with schema 3 left it, its server rows in the API's spec JSON. */
    private void createSchemaThreeDatabase(String... extraRows) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db())) {
            Migrations.migrateTo(c, db(), 3);
            try (java.sql.PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO servers (id, name, spec, version, desired, created_at, updated_at) VALUES (?, ?, ?, 2, 'running', 1700000000000, 1700000500000)")) {
                ps.setString(1, Specs.everyField().id().toString());
                ps.setString(2, "Survival SMP");
                ps.setString(3, EVERY_FIELD_V1);
                ps.executeUpdate();
                for (String row : extraRows) {
                    ps.setString(1, BROKEN.toString());
                    ps.setString(2, "broken");
                    ps.setString(3, row);
                    ps.executeUpdate();
                }
            }
        }
    }

    @Test
    void schemaFourRewritesTheApisSpecJsonIntoTheStoresOwnRows() throws Exception {
        createSchemaThreeDatabase();

        try (SqliteStore store = SqliteStore.open(dataDir)) {
            StoredServer server = store.find(Specs.everyField().id()).orElseThrow();
            assertThat(server.spec()).as("schema 3 knew no settle window, networks nor restart when unhealthy: the defaults").isEqualTo(EVERY_FIELD_BEFORE_SETTLE);
            assertThat(server.version()).isEqualTo(2);
            assertThat(server.desired()).isEqualTo(DesiredState.RUNNING);
        }
        assertThat(userVersion()).isEqualTo(Migrations.latestVersion());
        SpecColumns row = specColumns(Specs.everyField().id());
        assertThat(row.format()).isEqualTo(SpecFormat.CURRENT.number());
        assertThat(row.text()).isEqualTo(dev.raptor.store.row.SpecRows.write(EVERY_FIELD_BEFORE_SETTLE))
                .contains("\"timeout\":\"PT2.5S\"", "\"rconPassword\":\"hunter2\"").doesNotContain("Seconds");
    }

    @Test
    void aRowTheRewriteCannotReadStaysAsItWasAndReadsAsUnreadable() throws Exception {
        String broken = "{\"id\":\"" + BROKEN + "\",\"name\":\"broken\",\"image\":\"ghcr.io/org/game:1\",\"stop\":{\"type\":\"teleport\"}}";
        createSchemaThreeDatabase(broken);

        try (SqliteStore store = SqliteStore.open(dataDir)) {
            assertThat(store.find(Specs.everyField().id())).isPresent();
            assertThatThrownBy(() -> store.find(BROKEN)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("server " + BROKEN + " has a stored spec this Raptor cannot read");
        }
        assertThat(specColumns(BROKEN)).isEqualTo(new SpecColumns(broken, 1));
    }

    @Test
    void aServerWrittenAfterTheMigrationIsStoredInTheNewFormat() throws Exception {
        createSchemaThreeDatabase();

        try (SqliteStore store = SqliteStore.open(dataDir)) {
            StoredServer server = store.find(Specs.everyField().id()).orElseThrow();
            store.update(server.id(), 2, server.spec().withName("renamed"));
            StoredServer created = store.create(Specs.minecraft("lobby"));
            assertThat(specColumns(created.id()).format()).isEqualTo(SpecFormat.CURRENT.number());
        }
        try (SqliteStore store = SqliteStore.open(dataDir)) {
            assertThat(store.find(Specs.everyField().id()).orElseThrow().spec().name()).isEqualTo("renamed");
        }
        assertThat(specColumns(Specs.everyField().id()).format()).isEqualTo(SpecFormat.CURRENT.number());
    }

    @Test
    void aRowOfSpecFormatThreeHasNoSettleWindowAndReadsWithTheDefault() throws Exception {
        SqliteStore.open(dataDir).close();
        ServerSpec spec = Specs.minecraft("lobby");
        String v3 = dev.raptor.store.row.SpecRows.write(spec).replace(",\"settle\":\"PT2S\"", "");
        assertThat(v3).doesNotContain("settle").contains("\"query\":null");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
             java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO servers (id, name, spec, spec_format, version, desired, "
                     + "created_at, updated_at) VALUES (?, ?, ?, 3, 1, 'stopped', 1700000000000, 1700000000000)")) {
            ps.setString(1, spec.id().toString());
            ps.setString(2, spec.name());
            ps.setString(3, v3);
            ps.executeUpdate();
        }
        try (SqliteStore store = SqliteStore.open(dataDir)) {
            assertThat(store.find(spec.id()).orElseThrow().spec()).isEqualTo(spec);
            assertThat(store.find(spec.id()).orElseThrow().spec().settle()).isEqualTo(ServerSpec.DEFAULT_SETTLE);
        }
    }

    @Test
    void aRowOfSpecFormatSixSaysNothingOfBackupsAndAWrittenOneIsTheCurrentFormatWithThem() throws Exception {
        SqliteStore.open(dataDir).close();
        ServerSpec spec = Specs.minecraft("lobby");
        String v6 = dev.raptor.store.row.SpecRows.write(spec).replace(",\"backups\":null", "").replace(",\"fileRules\":null", "")
                .replace(",\"node\":null", "");
        assertThat(v6).doesNotContain("backups").doesNotContain("fileRules").contains("\"messaging\":false");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
             java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO servers (id, name, spec, spec_format, version, desired, "
                     + "created_at, updated_at) VALUES (?, ?, ?, 6, 1, 'stopped', 1700000000000, 1700000000000)")) {
            ps.setString(1, spec.id().toString());
            ps.setString(2, spec.name());
            ps.setString(3, v6);
            ps.executeUpdate();
        }
        ServerSpec scheduled = spec.toBuilder().backups(new dev.raptor.core.backup.BackupPolicy("@every 6h", 3, 14,
                List.of("logs/"), List.of("save-off"), List.of("save-on"))).build();
        try (SqliteStore store = SqliteStore.open(dataDir)) {
            assertThat(store.find(spec.id()).orElseThrow().spec()).isEqualTo(spec);
            assertThat(store.find(spec.id()).orElseThrow().spec().backups().isNone()).isTrue();
            store.update(spec.id(), 1, scheduled);
        }
        assertThat(specColumns(spec.id()).format()).isEqualTo(SpecFormat.CURRENT.number()).isEqualTo(9);
        assertThat(specColumns(spec.id()).text()).contains("\"backups\":{\"schedule\":\"@every 6h\",\"max\":3,\"maxAgeDays\":14");
        try (SqliteStore store = SqliteStore.open(dataDir)) {
            assertThat(store.find(spec.id()).orElseThrow().spec()).isEqualTo(scheduled);
        }
    }

    private record SpecColumns(String text, int format) {
    }

    private SpecColumns specColumns(UUID id) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT spec, spec_format FROM servers WHERE id = ?")) {
            ps.setString(1, id.toString());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("row of " + id).isTrue();
                return new SpecColumns(rs.getString(1), rs.getInt(2));
            }
        }
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
    void schemaEightReadsTheOperationsRecordedBeforeItAsPowerActionsAndBackups() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db())) {
            Migrations.migrateTo(c, db(), 7);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO operations (id, server_id, action, status, created_at, finished_at, state)"
                        + " VALUES ('op-old', '" + OLD_SERVER + "', 'start', 'done', 1700000000000, 1700000001000, 'running')");
                s.executeUpdate("INSERT INTO operations (id, server_id, action, status, created_at, finished_at)"
                        + " VALUES ('op-backup', '" + OLD_SERVER + "', 'backup', 'done', 1700000000000, 1700000002000)");
                s.executeUpdate("INSERT INTO operations (id, server_id, action, status, created_at, finished_at, state)"
                        + " VALUES ('op-restore', '" + OLD_SERVER + "', 'restore', 'done', 1700000000000, 1700000003000, 'offline')");
            }
        }

        try (SqliteStore store = SqliteStore.open(dataDir)) {
            dev.raptor.core.operation.OperationRecord r = store.operationRecords().find("op-old").orElseThrow();
            assertThat(r.kind()).isEqualTo(dev.raptor.core.operation.OperationKind.POWER);
            assertThat(r.state()).isEqualTo("running");
            assertThat(r.path()).isNull();
            assertThat(r.progress()).isNull();
            assertThat(r.problem()).isNull();
            assertThat(r.backupId()).isNull();
            assertThat(store.operationRecords().find("op-backup").orElseThrow().kind())
                    .isEqualTo(dev.raptor.core.operation.OperationKind.BACKUP);
            assertThat(store.operationRecords().find("op-restore").orElseThrow().kind())
                    .isEqualTo(dev.raptor.core.operation.OperationKind.BACKUP);
        }
    }

    @Test
    void migrationsAreNumberedFromOneWithoutGaps() {
        List<Migration> all = Migrations.all();

        assertThat(all).extracting(Migration::version).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
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
