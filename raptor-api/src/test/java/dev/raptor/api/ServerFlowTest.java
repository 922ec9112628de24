package dev.raptor.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.testing.RawHttp;
import dev.raptor.api.testing.TestEngine;
import dev.raptor.api.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The life of a server as a panel (over TCP, with the key) and an operator (over the Unix socket, without) drive it. */
class ServerFlowTest {
    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(dir);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void createStartCommandLogsStopDeleteOverTcp() {
        TestNode.Res created = node.post("/api/v1/servers", TestNode.gameServer("flow-tcp", 0));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(created.header("Location")).isEqualTo("/api/v1/servers/" + id);
        assertThat(created.header("ETag")).isEqualTo("\"1\"");
        assertThat(created.json().get("state").asText()).isEqualTo("offline");
        assertThat(created.json().get("desiredState").asText()).isEqualTo("stopped");
        assertThat(created.json().get("version").asLong()).isEqualTo(1);
        assertThat(created.json().get("environment").get("BOOT_DELAY").asText()).isEqualTo("0");

        TestNode.Res fetched = node.get(created.header("Location"));
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.json().get("name").asText()).isEqualTo("flow-tcp");

        TestNode.Res started = node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"start\"}");
        assertThat(started.status()).as(started.toString()).isEqualTo(200);
        assertThat(started.json().get("status").asText()).isEqualTo("done");
        assertThat(started.json().get("state").asText()).isEqualTo("running");
        JsonNode running = node.get("/api/v1/servers/" + id).json();
        assertThat(running.get("state").asText()).isEqualTo("running");
        assertThat(running.get("desiredState").asText()).isEqualTo("running");
        assertThat(running.get("containerId").isTextual()).isTrue();

        TestNode.Res command = node.post("/api/v1/servers/" + id + "/commands", "{\"command\": \"say hi\"}");
        assertThat(command.status()).as(command.toString()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            TestNode.Res logs = node.get("/api/v1/servers/" + id + "/logs?tail=50");
            assertThat(logs.status()).isEqualTo(200);
            assertThat(logs.json().get("lines").findValuesAsText("text")).contains("[Server] hi");
        });
        TestNode.Res text = node.send("GET", "/api/v1/servers/" + id + "/logs?tail=50", null,
                "Authorization", "Bearer " + node.apiKey, "Accept", "text/plain");
        assertThat(text.contentType()).startsWith("text/plain");
        assertThat(text.body()).contains("[Server] hi\n");

        TestNode.Res stats = node.get("/api/v1/servers/" + id + "/stats");
        assertThat(stats.status()).as(stats.toString()).isEqualTo(200);
        assertThat(stats.json().get("running").asBoolean()).isTrue();
        assertThat(stats.json().get("memoryBytes").asLong()).isPositive();

        TestNode.Res stopped = node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"stop\"}");
        assertThat(stopped.status()).as(stopped.toString()).isEqualTo(200);
        assertThat(stopped.json().get("status").asText()).isEqualTo("done");
        assertThat(stopped.json().get("state").asText()).isEqualTo("offline");

        JsonNode activity = node.get("/api/v1/servers/" + id + "/activity?limit=100").json();
        assertThat(activity.get("entries").findValuesAsText("type")).contains("create", "power.start", "power.stop");

        TestNode.Res deleted = node.call("DELETE", "/api/v1/servers/" + id, null);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(deleted.json().get("status").asText()).isEqualTo("done");
        TestNode.Res gone = node.get("/api/v1/servers/" + id);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.isProblem()).isTrue();
    }

    @Test
    void createStartCommandLogsStopDeleteOverTheUnixSocketWithoutAKey() {
        RawHttp unix = node.unix();
        RawHttp.Response created = unix.send("POST", "/api/v1/servers", TestNode.gameServer("flow-unix", 0));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(created.header("Location")).isEqualTo("/api/v1/servers/" + id);

        RawHttp.Response listed = unix.send("GET", "/api/v1/servers?name=flow-unix", null);
        assertThat(listed.json().get("servers").findValuesAsText("id")).containsExactly(id);

        RawHttp.Response started = unix.send("POST", "/api/v1/servers/" + id + "/power", "{\"action\": \"start\"}");
        assertThat(started.status()).as(started.toString()).isEqualTo(200);
        assertThat(started.json().get("state").asText()).isEqualTo("running");

        RawHttp.Response command = unix.send("POST", "/api/v1/servers/" + id + "/commands", "{\"command\": \"say hi\"}");
        assertThat(command.status()).as(command.toString()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            RawHttp.Response logs = unix.send("GET", "/api/v1/servers/" + id + "/logs?tail=50", null);
            assertThat(logs.json().get("lines").findValuesAsText("text")).contains("[Server] hi");
        });

        RawHttp.Response stopped = unix.send("POST", "/api/v1/servers/" + id + "/power", "{\"action\": \"stop\"}");
        assertThat(stopped.json().get("state").asText()).as(stopped.toString()).isEqualTo("offline");

        RawHttp.Response deleted = unix.send("DELETE", "/api/v1/servers/" + id, null);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(unix.send("GET", "/api/v1/servers/" + id, null).status()).isEqualTo(404);
    }

    @Test
    void theUnixSocketIsForItsOwnerAndGroupOnly() throws java.io.IOException {
        assertThat(java.nio.file.Files.getPosixFilePermissions(node.api.socketPath()))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw----"));
    }

    @Test
    void theListFiltersByStateLabelAndName() {
        String a = node.create(TestNode.gameServer("filter-a", 0));
        String b = node.create(TestNode.gameServer("filter-b", 0).replace("\"suite\": \"api\"", "\"suite\": \"other\""));
        assertThat(node.get("/api/v1/servers?name=filter-a").json().get("servers").findValuesAsText("id")).containsExactly(a);
        assertThat(node.get("/api/v1/servers?label=suite=other").json().get("servers").findValuesAsText("id")).containsExactly(b);
        assertThat(node.get("/api/v1/servers?label=suite&state=offline").json().get("servers").findValuesAsText("id")).contains(a, b);
        assertThat(node.get("/api/v1/servers?state=running&name=filter-a").json().get("count").asInt()).isZero();
        node.call("DELETE", "/api/v1/servers/" + a, null);
        node.call("DELETE", "/api/v1/servers/" + b, null);
    }

    @Test
    void theListShowsAPatchAtOnceARefusedPatchNeverAndADeleteAtOnce() {
        String id = node.create(TestNode.gameServer("list-before", 0));

        TestNode.Res patched = node.send("PATCH", "/api/v1/servers/" + id, "{\"name\": \"list-after\", \"environment\": {\"MOTD\": \"patched\"}}",
                "Authorization", "Bearer " + node.apiKey, "If-Match", "\"1\"");
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        JsonNode listed = node.get("/api/v1/servers?name=list-after").json().get("servers");
        assertThat(listed.findValuesAsText("id")).containsExactly(id);
        assertThat(listed.get(0).get("version").asLong()).isEqualTo(2);
        assertThat(listed.get(0).get("environment").get("MOTD").asText()).isEqualTo("patched");
        assertThat(node.get("/api/v1/servers?name=list-before").json().get("count").asInt()).isZero();

        TestNode.Res stale = node.send("PATCH", "/api/v1/servers/" + id, "{\"name\": \"list-stale\"}",
                "Authorization", "Bearer " + node.apiKey, "If-Match", "\"1\"");
        assertThat(stale.status()).as(stale.toString()).isEqualTo(412);
        TestNode.Res invalid = node.call("PATCH", "/api/v1/servers/" + id, "{\"image\": \"Not An Image!\"}");
        assertThat(invalid.status()).as(invalid.toString()).isEqualTo(400);
        JsonNode after = node.get("/api/v1/servers?name=list-after").json().get("servers").get(0);
        assertThat(after.get("version").asLong()).isEqualTo(2);
        assertThat(after.get("image").asText()).isEqualTo(TestEngine.IMAGE);

        TestNode.Res deleted = node.call("DELETE", "/api/v1/servers/" + id, null);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(node.get("/api/v1/servers").json().get("servers").findValuesAsText("id")).doesNotContain(id);
        assertThat(node.get("/api/v1/servers/" + id).status()).isEqualTo(404);
    }

    @Test
    void aStartupCommandThatIsNotFoundFailsTheStartOnDockerWithItsExitCodeAndWhatTheShellSaid() {
        // no ready pattern: the start waits out the settle window, and the container is gone long before
        String id = node.create("""
                {"name": "flow-not-found", "image": "%s", "startup": "raptor-no-such-game --nogui",
                 "labels": {"suite": "api"}}""".formatted(TestEngine.IMAGE));

        TestNode.Res started = node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"start\"}");

        assertThat(started.status()).as(started.toString()).isEqualTo(200);
        assertThat(started.json().get("status").asText()).as(started.toString()).isEqualTo("failed");
        assertThat(started.json().get("reason").asText())
                .startsWith("the server exited during boot with code 127; its last line of output:\n")
                .contains("raptor-no-such-game").contains("not found");
        assertThat(node.get("/api/v1/servers/" + id).json().get("state").asText()).isEqualTo("offline");
        assertThat(node.call("DELETE", "/api/v1/servers/" + id, null).status()).isEqualTo(200);
    }

    @Test
    void healthNeedsNoKeyAndSystemDescribesTheNode() {
        TestNode.Res health = node.send("GET", "/api/v1/health", null);
        assertThat(health.status()).as(health.toString()).isEqualTo(200);
        assertThat(health.json().get("checks").fieldNames()).toIterable().containsExactly("engine", "store", "disk");

        JsonNode system = node.get("/api/v1/system").json();
        assertThat(system.get("runtime").asText()).isEqualTo("docker");
        assertThat(system.get("engine").get("reachable").asBoolean()).isTrue();
        assertThat(system.get("engine").get("version").asText()).isNotBlank();
        assertThat(system.get("servers").has("running")).isTrue();
        assertThat(system.get("node").get("cpus").asInt()).isPositive();
        assertThat(system.get("node").get("diskFreeBytes").asLong()).isPositive();
    }

    @Test
    void nodesListsTheEnginesOneMachineWithItsServersTheirPortsAndTheMemoryTheirLimitsPromise() {
        int port = TestNode.freePort();
        String id = node.create("""
                {"name": "nodes-one", "image": "%s", "allocations": [{"ip": "127.0.0.1", "port": %d, "primary": true}],
                 "limits": {"memoryMiB": 384}}""".formatted(dev.raptor.api.testing.TestEngine.IMAGE, port));

        TestNode.Res answer = node.get("/api/v1/nodes");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode nodes = answer.json().get("nodes");
        assertThat(nodes).as("the docker runtime runs on one machine: its engine's").hasSize(1);
        JsonNode one = nodes.get(0);
        assertThat(one.get("state").asText()).isEqualTo("ready");
        assertThat(one.has("reason")).isFalse();
        assertThat(one.get("name").asText()).isNotBlank();
        assertThat(one.get("cpus").asInt()).isPositive();
        long memory = one.get("memoryBytes").asLong();
        long promised = one.get("memoryLimitsBytes").asLong();
        assertThat(memory).isPositive();
        assertThat(promised).as("at least this server's 384 MiB").isGreaterThanOrEqualTo(384L * 1024 * 1024);
        assertThat(one.get("memoryFreeBytes").asLong()).isEqualTo(Math.max(0, memory - promised));
        assertThat(one.get("servers").findValuesAsText("id")).contains(id);
        assertThat(one.get("servers").findValuesAsText("name")).contains("nodes-one");
        assertThat(answer.json().get("unplaced")).as("every server is on the one machine").isEmpty();
        JsonNode published = null;
        for (JsonNode p : one.get("ports")) {
            if (p.get("serverId").asText().equals(id)) {
                published = p;
            }
        }
        assertThat(published).as("its port is listed on the node").isNotNull();
        assertThat(published.get("port").asInt()).isEqualTo(port);
        assertThat(published.get("ip").asText()).isEqualTo("127.0.0.1");
        assertThat(published.get("protocol").asText()).isEqualTo("tcp");

        assertThat(node.call("DELETE", "/api/v1/servers/" + id, null).status()).isEqualTo(200);
        assertThat(node.get("/api/v1/nodes").json().get("nodes").get(0).get("servers").findValuesAsText("id")).doesNotContain(id);
    }

    @Test
    void aSpecNamingTheEnginesNodeIsTakenAndOneNamingAnotherNodeIsRefusedNamingTheField() {
        String machine = node.get("/api/v1/nodes").json().get("nodes").get(0).get("name").asText();
        TestNode.Res elsewhere = node.post("/api/v1/servers", """
                {"name": "node-elsewhere", "image": "%s", "node": "no-such-node"}""".formatted(dev.raptor.api.testing.TestEngine.IMAGE));
        assertThat(elsewhere.status()).as(elsewhere.toString()).isEqualTo(400);
        assertThat(elsewhere.json().get("errors").findValuesAsText("field")).containsExactly("node");
        assertThat(elsewhere.json().get("errors").get(0).get("message").asText()).contains("no-such-node").contains(machine);
        assertThat(node.get("/api/v1/servers?name=node-elsewhere").json().get("servers")).as("nothing stored").isEmpty();

        TestNode.Res here = node.post("/api/v1/servers", """
                {"name": "node-here", "image": "%s", "node": "%s"}""".formatted(dev.raptor.api.testing.TestEngine.IMAGE, machine));
        assertThat(here.status()).as(here.toString()).isEqualTo(201);
        assertThat(here.json().get("node").asText()).isEqualTo(machine);
        String id = here.json().get("id").asText();
        assertThat(node.get("/api/v1/servers/" + id).json().get("node").asText()).isEqualTo(machine);
        assertThat(node.call("DELETE", "/api/v1/servers/" + id, null).status()).isEqualTo(200);
    }

    @Test
    void aTransferOnTheDockerRuntimeOrWithoutANodeIsRefusedNamingTheNodeAndChangesNothing() {
        String id = node.create("""
                {"name": "transfer-one", "image": "%s"}""".formatted(dev.raptor.api.testing.TestEngine.IMAGE));

        TestNode.Res oneMachine = node.post("/api/v1/servers/" + id + "/transfer", "{\"node\": \"worker-2\"}");
        assertThat(oneMachine.status()).as(oneMachine.toString()).isEqualTo(400);
        assertThat(oneMachine.json().get("errors").findValuesAsText("field")).containsExactly("node");
        assertThat(oneMachine.json().get("errors").get(0).get("message").asText()).contains("one machine");

        TestNode.Res noNode = node.post("/api/v1/servers/" + id + "/transfer", "{}");
        assertThat(noNode.status()).as(noNode.toString()).isEqualTo(400);
        assertThat(noNode.json().get("errors").findValuesAsText("field")).containsExactly("node");

        TestNode.Res unknownField = node.post("/api/v1/servers/" + id + "/transfer", "{\"node\": \"x\", \"force\": true}");
        assertThat(unknownField.status()).as(unknownField.toString()).isEqualTo(400);
        assertThat(unknownField.json().get("errors").findValuesAsText("field")).contains("force");

        assertThat(node.post("/api/v1/servers/" + java.util.UUID.randomUUID() + "/transfer", "{\"node\": \"x\"}").status())
                .isEqualTo(404);
        assertThat(node.get("/api/v1/servers/" + id).json().get("state").asText()).isEqualTo("offline");
        assertThat(node.call("DELETE", "/api/v1/servers/" + id, null).status()).isEqualTo(200);
    }
}
