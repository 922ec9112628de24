package dev.raptor.store;

import dev.raptor.core.archive.ExportedState;
import dev.raptor.core.archive.ImportConflictException;
import dev.raptor.core.archive.ImportFormat;
import dev.raptor.core.archive.ImportMode;
import dev.raptor.core.archive.ImportPlan;
import dev.raptor.core.archive.ImportReport;
import dev.raptor.core.server.ActivityEntry;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.Specs;
import dev.raptor.core.server.StoredServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store as a {@link dev.raptor.core.archive.StateArchive}: what it exports, and imports all or nothing. */
class StateArchiveTest {
    @TempDir
    Path source;
    @TempDir
    Path target;

    private SqliteStore from;
    private SqliteStore into;

    @BeforeEach
    void open() {
        from = SqliteStore.open(source);
        into = SqliteStore.open(target);
    }

    @AfterEach
    void close() {
        from.close();
        into.close();
    }

    /** Three servers in different states: updated, running, untouched. */
    private List<StoredServer> someServers() {
        StoredServer a = from.create(Specs.everyField());
        from.update(a.id(), 1, a.spec().withName("Survival SMP 2"));
        StoredServer b = from.create(Specs.minecraft("lobby"));
        from.setDesiredState(b.id(), DesiredState.RUNNING);
        from.create(Specs.minecraft("creative"));
        return from.list();
    }

    /** What an import of {@code from}'s export would write. */
    private ImportPlan exported() {
        return new ImportPlan(ImportFormat.RAPTOR_EXPORT, from.export().servers(), Map.of(), List.of());
    }

    @Test
    void anExportHoldsEveryServerAsCommitted() {
        List<StoredServer> servers = someServers();

        ExportedState state = from.export();

        assertThat(state.servers()).isEqualTo(servers);
        assertThat(state.exportedAt()).isNotNull();
    }

    @Test
    void exportThenImportIntoAFreshStoreGivesEqualServers() {
        List<StoredServer> servers = someServers();

        ImportReport report = into.importPlan(exported(), ImportMode.FAIL_ON_EXISTING);

        assertThat(into.list()).isEqualTo(servers);
        assertThat(report.format()).isEqualTo(ImportFormat.RAPTOR_EXPORT);
        assertThat(report.imported()).containsExactlyElementsOf(servers.stream().map(StoredServer::id).toList());
        assertThat(report.replaced()).isEmpty();
    }

    @Test
    void importedServersSurviveAReopen() {
        List<StoredServer> servers = someServers();
        into.importPlan(exported(), ImportMode.FAIL_ON_EXISTING);

        into.close();
        into = SqliteStore.open(target);

        assertThat(into.list()).isEqualTo(servers);
    }

    @Test
    void importingAnExistingIdFailsNamingItAndWritesNothing() {
        someServers();
        StoredServer clash = into.create(from.list().get(1).spec());

        assertThatThrownBy(() -> into.importPlan(exported(), ImportMode.FAIL_ON_EXISTING))
                .isInstanceOfSatisfying(ImportConflictException.class,
                        e -> assertThat(e.existing()).containsExactly(clash.id()))
                .hasMessageContaining(clash.id().toString())
                .hasMessageContaining("nothing was written");
        assertThat(into.list()).containsExactly(clash);
    }

    @Test
    void anImportGivingAServerANameAnotherServerHasIsRefusedInAnyModeAndWritesNothing() {
        someServers();
        StoredServer local = into.create(Specs.minecraft("LOBBY"));
        UUID imported = from.list().get(1).id();

        for (ImportMode mode : ImportMode.values()) {
            assertThatThrownBy(() -> into.importPlan(exported(), mode))
                    .isInstanceOfSatisfying(ImportConflictException.class, e -> {
                        assertThat(e.existing()).isEmpty();
                        assertThat(e.names()).containsExactly(new ImportConflictException.NameClash(imported, "lobby", local.id(), "LOBBY"));
                    })
                    .hasMessage("import refused, nothing was written: server " + imported + "'s name 'lobby' is taken by "
                            + local.id() + " (as 'LOBBY')");
            assertThat(into.list()).containsExactly(local);
        }
    }

    @Test
    void twoServersOfOneImportWithOneNameClashWithEachOther() {
        StoredServer first = new StoredServer(Specs.minecraft("lobby"), 1, DesiredState.STOPPED, Instant.now(), Instant.now());
        StoredServer second = new StoredServer(Specs.minecraft("Lobby"), 1, DesiredState.STOPPED, Instant.now(), Instant.now());
        ImportPlan plan = new ImportPlan(ImportFormat.RAPTOR_EXPORT, List.of(first, second), Map.of(), List.of());

        assertThatThrownBy(() -> into.importPlan(plan, ImportMode.FAIL_ON_EXISTING)).isInstanceOfSatisfying(ImportConflictException.class,
                e -> assertThat(e.names()).containsExactly(new ImportConflictException.NameClash(second.id(), "Lobby", first.id(), "lobby")));
        assertThat(into.list()).isEmpty();
    }

    @Test
    void aServerTheImportReplacesGivesUpItsName() {
        StoredServer old = into.create(Specs.minecraft("lobby"));
        StoredServer renamed = new StoredServer(old.spec().withName("hub"), 2, DesiredState.STOPPED, Instant.now(), Instant.now());
        StoredServer newcomer = new StoredServer(Specs.minecraft("lobby"), 1, DesiredState.STOPPED, Instant.now(), Instant.now());
        ImportPlan plan = new ImportPlan(ImportFormat.RAPTOR_EXPORT, List.of(renamed, newcomer), Map.of(), List.of());

        into.importPlan(plan, ImportMode.REPLACE_EXISTING);

        assertThat(into.list()).extracting(s -> s.spec().name()).containsExactly("hub", "lobby");
    }

    @Test
    void replaceModeOverwritesExistingServersWithANewerVersion() {
        List<StoredServer> servers = someServers();
        StoredServer clash = into.create(servers.get(1).spec().withName("local edit"));
        into.update(clash.id(), 1, clash.spec().withName("local edit 2"));

        ImportReport report = into.importPlan(exported(), ImportMode.REPLACE_EXISTING);

        StoredServer replaced = into.find(clash.id()).orElseThrow();
        assertThat(report.replaced()).containsExactly(clash.id());
        assertThat(replaced.spec()).isEqualTo(servers.get(1).spec());
        assertThat(replaced.version()).isEqualTo(3);
        assertThat(into.list()).hasSize(3);
    }

    @Test
    void eachImportedServerGetsAnActivityEntry() {
        StoredServer server = someServers().getFirst();

        into.importPlan(exported(), ImportMode.FAIL_ON_EXISTING);

        assertThat(into.activity(server.id(), Long.MAX_VALUE, 10)).singleElement()
                .satisfies(a -> assertThat(a.type()).isEqualTo("import"))
                .satisfies(a -> assertThat(a.details()).containsExactly(Map.entry("format", "raptor_export")));
    }

    @Test
    void aLegacyImportRecordsTheOldDockerIdInTheActivity() {
        StoredServer lobby = new StoredServer(Specs.minecraft("lobby"), 1, DesiredState.STOPPED,
                java.time.Instant.parse("2025-03-14T10:15:02Z"), java.time.Instant.parse("2025-03-14T10:15:02Z"));
        ImportPlan legacy = new ImportPlan(ImportFormat.LEGACY_CONTAINERS, List.of(lobby), Map.of(lobby.id(), "4f9c"),
                List.of("[0].status: ignored"));

        ImportReport report = into.importPlan(legacy, ImportMode.FAIL_ON_EXISTING);

        assertThat(report.legacyDockerIds()).containsEntry(lobby.id(), "4f9c");
        assertThat(report.warnings()).containsExactly("[0].status: ignored");
        ActivityEntry entry = into.activity(lobby.id(), Long.MAX_VALUE, 10).getFirst();
        assertThat(entry.message()).isEqualTo("imported from the legacy containers.json");
        assertThat(entry.details()).containsEntry("format", "legacy_containers").containsEntry("legacyDockerId", "4f9c");
    }
}
