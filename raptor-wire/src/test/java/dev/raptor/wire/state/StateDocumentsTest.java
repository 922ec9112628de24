package dev.raptor.wire.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.core.archive.ExportedState;
import dev.raptor.core.archive.ImportFormat;
import dev.raptor.core.archive.ImportPlan;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.Specs;
import dev.raptor.core.server.StoredServer;
import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.wire.json.WireJson;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The state export document: written from the servers, read back into the plan that imports them. */
class StateDocumentsTest {
    private static final Instant T0 = Instant.parse("2025-03-14T10:15:02.123Z");
    private static final Clock CLOCK = Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC);

    private static List<StoredServer> someServers() {
        return List.of(
                new StoredServer(Specs.everyField(), 2, DesiredState.STOPPED, T0, T0.plusSeconds(5)),
                new StoredServer(Specs.minecraft("lobby"), 1, DesiredState.RUNNING, T0.plusSeconds(1), T0.plusSeconds(9)),
                new StoredServer(Specs.minecraft("creative"), 1, DesiredState.STOPPED, T0.plusSeconds(2), T0.plusSeconds(2)));
    }

    /** The export as it travels: written to (indented) text and read back. */
    private static JsonNode exported(List<StoredServer> servers) {
        return WireJson.parse(WireJson.writePretty(StateExportDocument.of(new ExportedState(T0.plusSeconds(60), servers))));
    }

    @Test
    void anExportReadsBackAsThePlanOfItsServers() {
        List<StoredServer> servers = someServers();

        ImportPlan plan = StateDocuments.read(exported(servers), CLOCK);

        assertThat(plan.format()).isEqualTo(ImportFormat.RAPTOR_EXPORT);
        assertThat(plan.servers()).isEqualTo(servers);
        assertThat(plan.legacyDockerIds()).isEmpty();
        assertThat(plan.warnings()).isEmpty();
    }

    @Test
    void theExportDocumentHasItsPublishedShape() {
        StoredServer lobby = new StoredServer(Specs.minecraft("lobby"), 3, DesiredState.RUNNING, T0, T0.plusMillis(1));

        String json = WireJson.write(StateExportDocument.of(new ExportedState(T0, List.of(lobby))));

        assertThat(json).isEqualTo("{\"format\":\"raptor-state\",\"formatVersion\":1,\"exportedAt\":\"2025-03-14T10:15:02.123Z\","
                + "\"servers\":[{\"spec\":" + WireJson.write(dev.raptor.wire.server.ServerSpecJson.encode(lobby.spec()))
                + ",\"version\":3,\"desired\":\"running\",\"createdAt\":\"2025-03-14T10:15:02.123Z\","
                + "\"updatedAt\":\"2025-03-14T10:15:02.124Z\"}]}");
    }

    @Test
    void entriesWithoutTimesOrVersionTakeDefaults() {
        String spec = WireJson.write(dev.raptor.wire.server.ServerSpecJson.encode(Specs.minecraft("lobby")));

        ImportPlan plan = StateDocuments.read(WireJson.parse("{\"servers\": [{\"spec\": " + spec + "}]}"), CLOCK);

        assertThat(plan.servers()).singleElement().satisfies(s -> {
            assertThat(s.version()).isEqualTo(1);
            assertThat(s.desired()).isEqualTo(DesiredState.STOPPED);
            assertThat(s.createdAt()).isEqualTo(CLOCK.instant()).isEqualTo(s.updatedAt());
        });
    }

    @Test
    void everyBadEntryIsNamedByPathAtOnce() {
        ObjectNode doc = (ObjectNode) exported(someServers());
        ((ObjectNode) doc.get("servers").get(1).get("spec").get("allocations").get(0)).put("port", 0);
        ((ObjectNode) doc.get("servers").get(2)).put("desired", "sleeping");
        ((ObjectNode) doc.get("servers").get(2)).put("owner", "me");

        assertThatThrownBy(() -> StateDocuments.read(doc, CLOCK))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field)
                        .containsExactly("servers[1].spec.allocations[0].port", "servers[2].desired", "servers[2].owner"));
    }

    @Test
    void aRepeatedIdIsNamed() {
        StoredServer lobby = someServers().get(1);

        assertThatThrownBy(() -> StateDocuments.read(exported(List.of(lobby, lobby)), CLOCK))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::toString).containsExactly("servers[1].spec.id: repeats the id of servers[0]"));
    }

    @Test
    void anExportFromANewerFormatIsRefused() {
        ObjectNode doc = ((ObjectNode) exported(someServers())).put("formatVersion", 2);

        assertThatThrownBy(() -> StateDocuments.read(doc, CLOCK))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("formatVersion: is 2, written by a newer Raptor");
    }

    @Test
    void aDocumentOfNeitherShapeIsRefused() {
        assertThatThrownBy(() -> StateDocuments.read(WireJson.parse("{\"containers\": []}"), CLOCK))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("neither a Raptor export");
    }

    @Test
    void aClientReadsTheExportBackAsItsRecord() {
        StateExportDocument doc = StateExportDocument.of(new ExportedState(T0, someServers()));

        assertThat(WireJson.read(WireJson.write(doc), StateExportDocument.class)).isEqualTo(doc);
    }
}
