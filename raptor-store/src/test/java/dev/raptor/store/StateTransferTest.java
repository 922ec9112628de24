package dev.raptor.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.StoredServer;
import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.store.json.Json;
import dev.raptor.store.transfer.ImportConflictException;
import dev.raptor.store.transfer.ImportFormat;
import dev.raptor.store.transfer.ImportMode;
import dev.raptor.store.transfer.ImportReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateTransferTest {
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

    /** The export as it travels: written to text and read back. */
    private JsonNode exported() {
        return Json.parse(Json.writePretty(from.exportState()));
    }

    @Test
    void exportThenImportIntoAFreshStoreGivesEqualServers() {
        List<StoredServer> servers = someServers();

        ImportReport report = into.importState(exported(), ImportMode.FAIL_ON_EXISTING);

        assertThat(into.list()).isEqualTo(servers);
        assertThat(report.format()).isEqualTo(ImportFormat.RAPTOR_EXPORT);
        assertThat(report.imported()).containsExactlyElementsOf(servers.stream().map(StoredServer::id).toList());
        assertThat(report.replaced()).isEmpty();
    }

    @Test
    void anExportFileRoundTripsToo() {
        List<StoredServer> servers = someServers();
        Path file = source.resolve("export.json");

        from.exportState(file);
        into.importState(file, ImportMode.FAIL_ON_EXISTING);

        assertThat(into.list()).isEqualTo(servers);
    }

    @Test
    void importingAnExistingIdFailsNamingItAndWritesNothing() {
        someServers();
        StoredServer clash = into.create(from.list().get(1).spec());

        assertThatThrownBy(() -> into.importState(exported(), ImportMode.FAIL_ON_EXISTING))
                .isInstanceOfSatisfying(ImportConflictException.class,
                        e -> assertThat(e.existing()).containsExactly(clash.id()))
                .hasMessageContaining(clash.id().toString())
                .hasMessageContaining("nothing was written");
        assertThat(into.list()).containsExactly(clash);
    }

    @Test
    void replaceModeOverwritesExistingServersWithANewerVersion() {
        List<StoredServer> servers = someServers();
        StoredServer clash = into.create(servers.get(1).spec().withName("local edit"));
        into.update(clash.id(), 1, clash.spec().withName("local edit 2"));

        ImportReport report = into.importState(exported(), ImportMode.REPLACE_EXISTING);

        StoredServer replaced = into.find(clash.id()).orElseThrow();
        assertThat(report.replaced()).containsExactly(clash.id());
        assertThat(replaced.spec()).isEqualTo(servers.get(1).spec());
        assertThat(replaced.version()).isEqualTo(3);
        assertThat(into.list()).hasSize(3);
    }

    @Test
    void aBadEntryIsNamedByPathAndNothingIsImported() {
        someServers();
        ObjectNode doc = (ObjectNode) exported();
        ((ObjectNode) doc.get("servers").get(1).get("spec").get("allocations").get(0)).put("port", 0);
        ((ObjectNode) doc.get("servers").get(2)).put("desired", "sleeping");

        assertThatThrownBy(() -> into.importState(doc, ImportMode.FAIL_ON_EXISTING))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field)
                        .containsExactly("servers[1].spec.allocations[0].port", "servers[2].desired"));
        assertThat(into.list()).isEmpty();
    }

    @Test
    void anExportFromANewerFormatIsRefused() {
        ObjectNode doc = from.exportState().put("formatVersion", 2);

        assertThatThrownBy(() -> into.importState(doc, ImportMode.FAIL_ON_EXISTING))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("formatVersion: is 2, written by a newer Raptor");
    }

    @Test
    void aDocumentOfNeitherShapeIsRefused() {
        assertThatThrownBy(() -> into.importState(Json.parse("{\"containers\": []}"), ImportMode.FAIL_ON_EXISTING))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("neither a Raptor export");
    }

    @Test
    void eachImportedServerGetsAnActivityEntry() {
        StoredServer server = someServers().getFirst();

        into.importState(exported(), ImportMode.FAIL_ON_EXISTING);

        assertThat(into.activity(server.id(), Long.MAX_VALUE, 10)).singleElement()
                .satisfies(a -> assertThat(a.type()).isEqualTo("import"));
    }
}
