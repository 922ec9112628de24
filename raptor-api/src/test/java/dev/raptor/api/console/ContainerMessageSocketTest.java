package dev.raptor.api.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.auth.Permission;
import dev.raptor.api.testing.TestEngine;
import dev.raptor.api.testing.TestNode;
import dev.raptor.wire.json.WireJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A server's message socket as the console WebSocket and the server document show it, on the real engine with the
 * test image's echo mode as the program: what the program writes arrives as {@code container message} and in the
 * activity log; {@code socketConnected} and {@code lastCommunication} follow the program's connection.
 */
class ContainerMessageSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

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

    private static String echoServer(String name) {
        return node.create("""
                {"name": "%s", "image": "%s", "environment": {"ECHO_MESSAGES": "1"}, "readyPattern": "Done!",
                 "stop": {"type": "command", "value": "stop", "timeoutSeconds": 20}, "messaging": true}""".formatted(name, TestEngine.ECHO_IMAGE));
    }

    private static void power(String id, String action) {
        TestNode.Res r = node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"" + action + "\"}");
        assertThat(r.json().get("status").asText()).as(r.toString()).isEqualTo("done");
    }

    @Test
    void whatTheProgramWritesReachesTheConsoleSocketAsContainerMessageAndTheActivityLog() throws Exception {
        String id = echoServer("console-messages");
        URI ws = URI.create("ws://127.0.0.1:" + node.api.port() + "/api/v1/servers/" + id + "/ws");
        String reader = node.tokens(Clock.systemUTC()).issue(UUID.fromString(id), Set.of(Permission.CONSOLE_READ), Duration.ofMinutes(5)).token();
        try (SocketClient console = SocketClient.connect(HttpClient.newHttpClient(), ws, reader)) {
            console.await("auth success", WAIT);
            power(id, "start");

            TestNode.Res sent = node.post("/api/v1/servers/" + id + "/messages", "{\"hello\": \"console\", \"n\": 7}");
            assertThat(sent.status()).as(sent.toString()).isEqualTo(200);
            assertThat(sent.json().get("message_id").asLong()).isPositive();

            // the echo program wrote the message back: the console socket hears it as the program wrote it
            SocketClient.Event message = console.await(e -> e.event().equals("container message"), WAIT);
            JsonNode echoed = WireJson.parse(message.arg());
            assertThat(echoed.get("hello").asText()).isEqualTo("console");
            assertThat(echoed.get("n").asInt()).isEqualTo(7);
            // the program's acknowledgement is protocol, not a message: it never reaches the socket
            assertThat(console.events()).filteredOn(e -> e.event().equals("container message"))
                    .noneMatch(e -> e.arg().contains("\"ack\""));
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(node.get("/api/v1/servers/" + id + "/activity?limit=50").json().toString())
                .contains("message.received").doesNotContain("hello"));
    }

    @Test
    void theServerDocumentSaysWhetherTheProgramIsConnectedAndWhenItLastCommunicated() {
        String id = echoServer("socket-state");
        JsonNode before = node.get("/api/v1/servers/" + id).json();
        assertThat(before.get("socketConnected").asBoolean()).isFalse();
        assertThat(before.get("lastCommunication").isNull()).as(before.toString()).isTrue();

        power(id, "start");
        await().atMost(WAIT).until(() -> node.get("/api/v1/servers/" + id).json().get("socketConnected").asBoolean());
        Instant sentAt = Instant.now().minusSeconds(1);
        TestNode.Res sent = node.post("/api/v1/servers/" + id + "/messages", "{\"ping\": 1}");
        assertThat(sent.status()).as(sent.toString()).isEqualTo(200);

        JsonNode running = node.get("/api/v1/servers/" + id).json();
        assertThat(running.get("socketConnected").asBoolean()).isTrue();
        assertThat(Instant.parse(running.get("lastCommunication").asText())).isAfter(sentAt);
        assertThat(node.get("/api/v1/servers").json().get("servers").findValues("socketConnected")).isNotEmpty();

        power(id, "stop");
        await().atMost(WAIT).until(() -> !node.get("/api/v1/servers/" + id).json().get("socketConnected").asBoolean());
        assertThat(node.get("/api/v1/servers/" + id).json().get("lastCommunication").isNull()).isFalse();
    }

    @Test
    void aServerWithoutMessagingIsNeverConnected() {
        String id = node.create(TestNode.gameServer("no-socket", 0));
        power(id, "start");

        JsonNode doc = node.get("/api/v1/servers/" + id).json();
        assertThat(doc.get("socketConnected").asBoolean()).isFalse();
        assertThat(doc.get("lastCommunication").isNull()).isTrue();
    }
}
