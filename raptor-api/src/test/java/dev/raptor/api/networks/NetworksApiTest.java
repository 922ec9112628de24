package dev.raptor.api.networks;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * Networks over the API on the real engine: made, listed with the servers that name them, joined by servers that then
 * resolve and reach each other by name, and refused removal while in use. Names carry this node's label, so no other
 * test's network is touched (the node removes its own at the end).
 */
class NetworksApiTest {
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

    private String name(String what) {
        return node.node + "-" + what;
    }

    private static String server(String name, String networks) {
        return """
                {"name": "%s", "image": "%s", "readyPattern": "Done!", "networks": %s,
                 "stop": {"type": "command", "value": "stop", "timeoutSeconds": 20}}""".formatted(name, TestEngine.IMAGE, networks);
    }

    private String started(String json) {
        String id = node.create(json);
        TestNode.Res r = node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"start\"}");
        assertThat(r.json().get("state").asText()).as(r.toString()).isEqualTo("running");
        return id;
    }

    private JsonNode exec(String id, String... command) {
        StringBuilder json = new StringBuilder("{\"command\": [");
        for (int i = 0; i < command.length; i++) {
            json.append(i == 0 ? "" : ", ").append('"').append(command[i]).append('"');
        }
        TestNode.Res r = node.post("/api/v1/servers/" + id + "/exec", json.append("]}").toString());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    @Test
    void aNetworkIsMadeListedAndItsNameIsTakenOnce() {
        String name = name("made");
        TestNode.Res made = node.post("/api/v1/networks",
                "{\"name\": \"" + name + "\", \"subnet\": \"10.214.9.0/24\", \"internal\": true, \"labels\": {\"team\": \"eu\"}}");
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        assertThat(made.header("Location")).isEqualTo("/api/v1/networks/" + name);
        assertThat(made.json().get("subnet").asText()).isEqualTo("10.214.9.0/24");
        assertThat(made.json().get("internal").asBoolean()).isTrue();
        assertThat(node.get("/api/v1/networks").json().get("networks").findValuesAsText("name")).contains(name);
        TestNode.Res again = node.post("/api/v1/networks", "{\"name\": \"" + name + "\"}");
        assertThat(again.status()).as(again.toString()).isEqualTo(409);
        assertThat(node.call("DELETE", "/api/v1/networks/" + name, null).status()).isEqualTo(204);
        assertThat(node.call("DELETE", "/api/v1/networks/" + name, null).status()).isEqualTo(404);
    }

    @Test
    void aBadNetworkIsRefusedNamingEveryField() {
        TestNode.Res r = node.post("/api/v1/networks", "{\"name\": \"host\", \"subnet\": \"10.0.0.0/99\", \"labels\": {\"dev.raptor.x\": \"y\"}, \"driver\": \"macvlan\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("errors").findValuesAsText("field")).contains("name", "subnet", "labels.dev.raptor.x", "driver");
    }

    @Test
    void serversOnOneNetworkResolveAndReachEachOtherByNameAndTheNetworkStaysWhileInUse() {
        String net = name("lobby");
        assertThat(node.post("/api/v1/networks", "{\"name\": \"" + net + "\"}").status()).isEqualTo(201);
        String alpha = "alpha-" + node.node;
        String bravo = "bravo-" + node.node;
        String a = started(server(alpha, "[\"" + net + "\"]"));
        String b = started(server(bravo, "[{\"name\": \"" + net + "\", \"aliases\": [\"hub\"]}]"));
        assertThat(node.get("/api/v1/servers/" + b).json().get("networks").get(0).get("aliases").get(0).asText()).isEqualTo("hub");

        JsonNode lookup = exec(a, "nslookup", bravo);
        assertThat(lookup.get("exitCode").asInt()).as(lookup.toString()).isZero();
        JsonNode ping = exec(a, "ping", "-c", "1", "-W", "5", "hub");
        assertThat(ping.get("exitCode").asInt()).as(ping.toString()).isZero();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(exec(a, "sh", "-c", "nc " + bravo + " 25565 </dev/null").get("stdout").asText()).isNotBlank());
        assertThat(exec(b, "ping", "-c", "1", "-W", "5", alpha).get("exitCode").asInt()).isZero();

        JsonNode listed = node.get("/api/v1/networks").json().get("networks");
        for (JsonNode n : listed) {
            if (n.get("name").asText().equals(net)) {
                assertThat(n.get("usedBy").findValuesAsText("")).isEmpty();
                assertThat(n.get("usedBy").toString()).contains(a).contains(b);
                assertThat(n.get("containers")).hasSize(2);
            }
        }
        TestNode.Res inUse = node.call("DELETE", "/api/v1/networks/" + net, null);
        assertThat(inUse.status()).as(inUse.toString()).isEqualTo(409);
        assertThat(inUse.json().get("type").asText()).endsWith("network-in-use");

        assertThat(node.call("DELETE", "/api/v1/servers/" + a + "?force=true", null).status()).isEqualTo(200);
        assertThat(node.call("DELETE", "/api/v1/servers/" + b + "?force=true", null).status()).isEqualTo(200);
        assertThat(node.call("DELETE", "/api/v1/networks/" + net, null).status()).isEqualTo(204);
    }
}
