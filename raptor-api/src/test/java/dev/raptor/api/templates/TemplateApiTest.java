package dev.raptor.api.templates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.testing.TestNode;
import dev.raptor.core.testing.Eggs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Templates over the API: three real eggs imported, servers made from them, bad variables named. */
class TemplateApiTest {
    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(dir);
        for (String egg : Eggs.ALL) {
            TestNode.Res r = node.post("/api/v1/templates", Eggs.text(egg));
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static List<String> fields(TestNode.Res problem) {
        List<String> out = new ArrayList<>();
        problem.json().get("errors").forEach(e -> out.add(e.get("field").asText()));
        return out;
    }

    @Test
    void importedEggsAreListedAndReadable() {
        TestNode.Res list = node.get("/api/v1/templates");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("templates").findValuesAsText("id"))
                .containsExactly("busybox-craft", "timberland-java", "voxel-survival-pelican");
        TestNode.Res one = node.get("/api/v1/templates/timberland-java");
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("stop").get("type").asText()).isEqualTo("signal");
        assertThat(one.json().get("stop").get("value").asText()).isEqualTo("SIGINT");
        assertThat(one.json().get("install").get("entrypoint").asText()).isEqualTo("ash");
        assertThat(one.json().get("variables").get(0).get("rules").asText()).isEqualTo("required|regex:/^([\\w\\d._-]+)(\\.jar)$/");
    }

    @Test
    void anImportAnswersLocationAndASecondOneOfTheSameIdIsAConflict() {
        TestNode.Res created = node.post("/api/v1/templates?id=craft-copy", Eggs.text(Eggs.BUSYBOX_CRAFT));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/v1/templates/craft-copy");
        TestNode.Res again = node.post("/api/v1/templates?id=craft-copy", Eggs.text(Eggs.BUSYBOX_CRAFT));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("type").asText()).endsWith("template-exists");
        assertThat(node.post("/api/v1/templates?id=craft-copy&replace=true", Eggs.text(Eggs.BUSYBOX_CRAFT)).status()).isEqualTo(201);
        assertThat(node.call("DELETE", "/api/v1/templates/craft-copy", null).status()).isEqualTo(204);
        TestNode.Res gone = node.get("/api/v1/templates/craft-copy");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().get("type").asText()).endsWith("template-not-found");
        assertThat(node.call("DELETE", "/api/v1/templates/craft-copy", null).status()).isEqualTo(404);
    }

    @Test
    void aBadEggIsA400NamingEveryProblem() {
        TestNode.Res r = node.post("/api/v1/templates", """
                {"meta": {"version": "PTDL_v3"}, "name": "Bad", "startup": "run",
                 "variables": [{"name": "X", "env_variable": "X", "rules": "required|digits:3"}]}""");
        assertThat(r.status()).isEqualTo(400);
        assertThat(fields(r)).containsExactly("meta.version", "variables[0].rules");
    }

    @Test
    void serversAreMadeFromEachTemplate() {
        TestNode.Res craft = node.post("/api/v1/servers", """
                {"template": "busybox-craft", "name": "craft", "skipInstall": true,
                 "variables": {"MOTD": "Welcome", "MAX_PLAYERS": 8, "GAME_MODE": "creative"},
                 "allocations": [{"ip": "127.0.0.1", "port": 0}]}""".replace("\"port\": 0", "\"port\": " + freePort()));
        assertThat(craft.status()).as(craft.toString()).isEqualTo(201);
        JsonNode c = craft.json();
        assertThat(c.get("image").asText()).isEqualTo("raptor-test/gameserver:1");
        assertThat(c.get("startup").asText()).contains("{{GAME_MODE}}");
        assertThat(c.get("environment").get("MAX_PLAYERS").asText()).isEqualTo("8");
        assertThat(c.get("environment").get("LEVEL_SEED").asText()).isEmpty();
        assertThat(c.get("stop").get("value").asText()).isEqualTo("stop");

        TestNode.Res timber = node.post("/api/v1/servers", """
                {"template": "timberland-java", "name": "timber", "skipInstall": true, "limits": {"memoryMiB": 1024}}""");
        assertThat(timber.status()).as(timber.toString()).isEqualTo(201);
        assertThat(timber.json().get("environment").get("SERVER_JARFILE").asText()).isEqualTo("server.jar");
        assertThat(timber.json().get("stop").get("type").asText()).isEqualTo("signal");

        TestNode.Res voxel = node.post("/api/v1/servers", """
                {"template": "voxel-survival-pelican", "name": "voxel", "skipInstall": true,
                 "variables": {"WORLD_NAME": "my_world", "FAIL_INSTALL": false, "VIEW_DISTANCE": 12.5}}""");
        assertThat(voxel.status()).as(voxel.toString()).isEqualTo(201);
        assertThat(voxel.json().get("environment").get("FAIL_INSTALL").asText()).isEqualTo("false");
        assertThat(voxel.json().get("readyPattern").asText()).startsWith("(?:^\\[Game\\] Done");
    }

    @Test
    void everyBadVariableIsNamedInOne400AndNothingIsCreated() {
        int before = node.get("/api/v1/servers").json().get("count").asInt();
        TestNode.Res r = node.post("/api/v1/servers", """
                {"template": "busybox-craft", "name": "bad",
                 "variables": {"MOTD": "", "MAX_PLAYERS": 1000, "GAME_MODE": "hardcore", "LEVEL_SEED": "not-a-number",
                               "COLOUR": "red"}}""");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("type").asText()).endsWith("validation");
        assertThat(fields(r)).containsExactlyInAnyOrder("variables.MOTD", "variables.MAX_PLAYERS", "variables.GAME_MODE",
                "variables.LEVEL_SEED", "variables.COLOUR");
        assertThat(r.json().get("detail").asText()).contains("must be at most 100 (was 1000)");
        TestNode.Res voxel = node.post("/api/v1/servers", """
                {"template": "voxel-survival-pelican", "name": "bad", "variables": {"WORLD_NAME": "my world", "PACK_URL": "nope",
                 "FAIL_INSTALL": "maybe", "VIEW_DISTANCE": 64}}""");
        assertThat(fields(voxel)).containsExactlyInAnyOrder("variables.WORLD_NAME", "variables.PACK_URL", "variables.FAIL_INSTALL",
                "variables.VIEW_DISTANCE");
        assertThat(node.post("/api/v1/servers", "{\"template\": \"nope\", \"name\": \"x\"}").status()).isEqualTo(400);
        assertThat(node.get("/api/v1/servers").json().get("count").asInt()).isEqualTo(before);
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
