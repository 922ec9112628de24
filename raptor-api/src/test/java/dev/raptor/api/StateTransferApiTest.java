package dev.raptor.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.api.testing.TestNode;
import dev.raptor.wire.json.WireJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /state/export} and {@code POST /state/import}: all or nothing, and imported servers join the live fleet. */
class StateTransferApiTest {
    @TempDir
    static Path dirA;
    @TempDir
    static Path dirB;
    static TestNode a;
    static TestNode b;

    @BeforeAll
    static void start() {
        a = TestNode.start(dirA);
        b = TestNode.start(dirB);
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
    }

    private static String legacy(String name, int port) {
        return """
                [{"name": "%s", "docker_id": "abc", "image": "raptor-test/gameserver:1", "stop_command": "stop",
                  "allocation": {"ip": "127.0.0.1", "port": %d}}]""".formatted(name, port);
    }

    @Test
    void anExportImportsIntoAnotherNodeAndItsServersAreLive() {
        String id = a.create(TestNode.gameServer("exported-" + UUID.randomUUID(), 0));
        TestNode.Res export = a.get("/api/v1/state/export");
        assertThat(export.status()).as(export.toString()).isEqualTo(200);
        assertThat(export.json().get("format").asText()).isEqualTo("raptor-state");

        TestNode.Res imported = b.post("/api/v1/state/import", export.body());
        assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
        assertThat(imported.json().get("imported").toString()).contains(id);
        TestNode.Res live = b.get("/api/v1/servers/" + id);
        assertThat(live.status()).as("the imported server is served by the fleet").isEqualTo(200);
        assertThat(live.json().get("state").asText()).isEqualTo("offline");

        TestNode.Res again = b.post("/api/v1/state/import", export.body());
        assertThat(again.status()).as(again.toString()).isEqualTo(409);
        assertThat(again.isProblem()).isTrue();
        assertThat(b.post("/api/v1/state/import?mode=replace", export.body()).status()).isEqualTo(200);
    }

    @Test
    void aReplacingImportShowsInTheListAtOnce() {
        String name = "replaced-" + UUID.randomUUID();
        String id = a.create(TestNode.gameServer(name, 0));
        // Only this server (the node holds other tests' servers too), renamed.
        ObjectNode export = (ObjectNode) a.get("/api/v1/state/export").json();
        ArrayNode mine = WireJson.mapper().createArrayNode();
        export.get("servers").forEach(s -> {
            if (s.get("spec").get("id").asText().equals(id)) {
                ((ObjectNode) s.get("spec")).put("name", name + "-imported");
                mine.add(s);
            }
        });
        export.set("servers", mine);

        TestNode.Res r = a.post("/api/v1/state/import?mode=replace", export.toString());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);

        JsonNode listed = a.get("/api/v1/servers?name=" + name + "-imported").json().get("servers");
        assertThat(listed.findValuesAsText("id")).containsExactly(id);
        assertThat(listed.get(0).get("version").asLong()).isEqualTo(2);
        assertThat(a.get("/api/v1/servers?name=" + name).json().get("count").asInt()).isZero();
    }

    @Test
    void aLegacyContainersJsonImportsStoppedServers() {
        String name = "legacy-" + UUID.randomUUID();
        TestNode.Res r = a.post("/api/v1/state/import", legacy(name, 41001));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("format").asText()).isEqualTo("LEGACY_CONTAINERS");
        String id = r.json().get("imported").get(0).asText();
        JsonNode server = a.get("/api/v1/servers/" + id).json();
        assertThat(server.get("name").asText()).isEqualTo(name);
        assertThat(server.get("desiredState").asText()).isEqualTo("stopped");
        assertThat(server.get("stop").get("value").asText()).isEqualTo("stop");
    }

    @Test
    void aBrokenDocumentImportsNothingAndNamesTheEntry() {
        int before = a.get("/api/v1/servers").json().get("count").asInt();
        String broken = """
                [{"name": "ok", "image": "raptor-test/gameserver:1", "allocation": {"ip": "127.0.0.1", "port": 41010}},
                 {"name": "bad", "image": "raptor-test/gameserver:1", "allocation": {"ip": "127.0.0.1", "port": 70000}}]""";
        TestNode.Res r = a.post("/api/v1/state/import", broken);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.body()).contains("[1]").contains("port");
        assertThat(a.get("/api/v1/servers").json().get("count").asInt()).isEqualTo(before);
    }

    @Test
    void anImportWhosePortsAreTakenIsAConflictAndImportsNothing() {
        int port = TestNode.freePort();
        a.create("""
                {"name": "holder", "image": "raptor-test/gameserver:1",
                 "allocations": [{"ip": "0.0.0.0", "port": %d}]}""".formatted(port));
        int before = a.get("/api/v1/servers").json().get("count").asInt();
        TestNode.Res r = a.post("/api/v1/state/import", legacy("clash-" + UUID.randomUUID(), port));
        assertThat(r.status()).as(r.toString()).isEqualTo(409);
        assertThat(a.get("/api/v1/servers").json().get("count").asInt()).isEqualTo(before);
    }

    @Test
    void anImportGivingAServerATakenNameIsAConflictNamingBothAndImportsNothing() {
        String name = "named-" + UUID.randomUUID();
        String holder = a.create(TestNode.gameServer(name.toUpperCase(java.util.Locale.ROOT), 0));
        int before = a.get("/api/v1/servers").json().get("count").asInt();
        TestNode.Res r = a.post("/api/v1/state/import?mode=replace", legacy(name, 41030));
        assertThat(r.status()).as(r.toString()).isEqualTo(409);
        assertThat(r.json().get("type").asText()).endsWith(":import-conflict");
        assertThat(r.json().get("detail").asText()).contains("'" + name + "' is taken by " + holder);
        assertThat(a.get("/api/v1/servers").json().get("count").asInt()).isEqualTo(before);
    }
}
