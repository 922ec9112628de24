package dev.raptor.api.socketio;

import dev.raptor.api.testing.TestEngine;
import dev.raptor.api.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
                "RAPTOR_KEY", node.apiKey, "RAPTOR_IMAGE", TestEngine.IMAGE, "TRANSPORTS", transports), Duration.ofMinutes(5));

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
}
