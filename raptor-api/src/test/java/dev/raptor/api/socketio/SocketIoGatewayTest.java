package dev.raptor.api.socketio;

import dev.raptor.api.testing.TestEngine;
import dev.raptor.api.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway as a web front end uses it: the real npm socket.io-client ({@code src/test/socketio/flow.mjs})
 * against a node on the real engine, over each transport and the default (long-polling upgraded to a
 * WebSocket): wrong credentials refused with {@code connect_error}, a validation error in the flow-manager's
 * format, then create, subscribe, start, a message to the program and its echo, status, stop, delete.
 */
class SocketIoGatewayTest {
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

    @ParameterizedTest(name = "transports {0}")
    @ValueSource(strings = {"websocket", "polling", "polling,websocket"})
    void theNpmClientDrivesAServerThroughItsLife(String transports) {
        NpmClient.Run run = NpmClient.node("flow.mjs", Map.of("RAPTOR_URL", "http://127.0.0.1:" + node.api.port(),
                "RAPTOR_KEY", node.apiKey, "RAPTOR_IMAGE", TestEngine.ECHO_IMAGE, "TRANSPORTS", transports), Duration.ofMinutes(5));

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("\"step\":\"done\"");
        if (!transports.equals("polling")) {
            // the default client starts on long-polling and upgrades
            assertThat(run.lines().stream().filter(l -> l.contains("\"step\":\"deleted\"")).findFirst().orElseThrow())
                    .contains("\"transport\":\"websocket\"");
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(node.api.socketIo().openSessions()).isZero();
            assertThat(node.api.gateway().openSockets()).isZero();
        });
    }

    @Test
    void aThousandMessagesRoundTripInOrderAndARestartMidStreamLosesNoneThatWereAcknowledged() {
        NpmClient.Run run = NpmClient.node("messages.mjs", Map.of("RAPTOR_URL", "http://127.0.0.1:" + node.api.port(),
                "RAPTOR_KEY", node.apiKey, "RAPTOR_IMAGE", TestEngine.ECHO_IMAGE, "TRANSPORTS", "websocket"), Duration.ofMinutes(8));

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("\"step\":\"in-order\"", "\"step\":\"restart\"", "\"step\":\"done\"");
    }

    @Test
    void theReadmeExampleWorksAsPrinted() throws java.io.IOException {
        String readme = java.nio.file.Files.readString(Path.of("../README.md"));
        int section = readme.indexOf("## Socket.IO gateway and message sockets");
        int start = readme.indexOf("```js\n", section) + "```js\n".length();
        String example = readme.substring(start, readme.indexOf("```", start));

        NpmClient.Run run = NpmClient.nodeSource("readme-example.mjs", example, Map.of("RAPTOR_URL",
                "http://127.0.0.1:" + node.api.port(), "RAPTOR_API_KEY", node.apiKey, "RAPTOR_IMAGE", TestEngine.ECHO_IMAGE), Duration.ofMinutes(3));

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("the program says { hello: 'world' }", "delivered: true", "state: 'deleted'");
    }

    @Test
    void longPollingSpeaksEngineIo4OverPlainHttp() {
        TestNode.Res open = node.send("GET", "/socket.io/?EIO=4&transport=polling", null);
        assertThat(open.status()).isEqualTo(200);
        assertThat(open.body()).startsWith("0{\"sid\":");
        String sid = open.body().substring(1).replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");

        TestNode.Res connect = node.send("POST", "/socket.io/?EIO=4&transport=polling&sid=" + sid,
                "40{\"token\":\"" + node.apiKey + "\"}", "Content-Type", "text/plain;charset=UTF-8");
        assertThat(connect.body()).isEqualTo("ok");
        TestNode.Res poll = node.send("GET", "/socket.io/?EIO=4&transport=polling&sid=" + sid, null);
        assertThat(poll.body()).startsWith("40{\"sid\":");

        TestNode.Res unknown = node.send("GET", "/socket.io/?EIO=4&transport=polling&sid=nosuchsession", null);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("code").asInt()).isEqualTo(1);
        assertThat(unknown.json().get("message").asText()).isEqualTo("Session ID unknown");
        TestNode.Res v3 = node.send("GET", "/socket.io/?EIO=3&transport=polling", null);
        assertThat(v3.json().get("code").asInt()).isEqualTo(5);

        node.send("POST", "/socket.io/?EIO=4&transport=polling&sid=" + sid, "1", "Content-Type", "text/plain;charset=UTF-8");
        await().atMost(Duration.ofSeconds(30)).until(() -> node.send("GET", "/socket.io/?EIO=4&transport=polling&sid=" + sid, null)
                .status() == 400);
    }

    @Test
    void aMessageOverRestToAServerWithoutMessagingIsAConflict() {
        String id = node.create(TestNode.gameServer("no-messaging", 0));
        TestNode.Res r = node.post("/api/v1/servers/" + id + "/messages", "{\"hello\": 1}");
        assertThat(r.status()).as(r.toString()).isEqualTo(409);
        assertThat(r.json().get("type").asText()).isEqualTo("urn:raptor:problem:messaging-off");
    }

    @Test
    void aMessageOverRestReachesTheProgramAndTooLargeOneIsRefused() {
        String id = node.create("""
                {"name": "rest-echo", "image": "%s", "environment": {"ECHO_MESSAGES": "1"}, "readyPattern": "Done!",
                 "stop": {"type": "command", "value": "stop", "timeoutSeconds": 20}, "messaging": true}""".formatted(TestEngine.ECHO_IMAGE));
        TestNode.Res start = node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"start\"}");
        assertThat(start.json().get("status").asText()).as(start.toString()).isEqualTo("done");

        TestNode.Res sent = node.post("/api/v1/servers/" + id + "/messages", "{\"hello\": \"rest\"}");
        assertThat(sent.status()).as(sent.toString()).isEqualTo(200);
        assertThat(sent.json().get("delivered").asBoolean()).isTrue();
        assertThat(sent.json().get("message_id").asLong()).isPositive();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(node.get("/api/v1/servers/" + id + "/activity?limit=50")
                .body()).contains("message.received"));

        TestNode.Res large = node.post("/api/v1/servers/" + id + "/messages", "{\"x\": \"" + "a".repeat(70 * 1024) + "\"}");
        assertThat(large.status()).as(large.toString()).isEqualTo(413);
    }
}
