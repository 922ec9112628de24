package dev.raptor.api;

import dev.raptor.api.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's and exec's WebSocket upgrades pass the same checks (one guard): an unknown server is 404, a wrong
 * key 401, a server token of another server 403, and on the exec socket a token without {@code exec} 403, which the
 * console (needing no permission beyond its server) lets through. Without an {@code Authorization} header the upgrade
 * is let through for the first message to authenticate.
 */
class SocketUpgradeGuardTest {
    @TempDir
    static Path dir;
    static TestNode node;
    static String server;
    static String other;

    @BeforeAll
    static void start() {
        node = TestNode.start(dir);
        server = node.create(TestNode.gameServer("upgrade-guard", 0));
        other = node.create(TestNode.gameServer("upgrade-guard-other", 0));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String token(String id, String permission) {
        return node.post("/api/v1/servers/" + id + "/tokens", "{\"permissions\": [\"" + permission + "\"]}").json().get("token").asText();
    }

    /** The upgrade's answer: 101 when accepted, else the refusal's status. */
    private static int upgrade(String id, String socket, String credential) {
        URI uri = URI.create("ws://127.0.0.1:" + node.api.port() + "/api/v1/servers/" + id + socket);
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20));
        if (credential != null) {
            b.header("Authorization", "Bearer " + credential);
        }
        try {
            WebSocket ws = b.buildAsync(uri, new WebSocket.Listener() {
            }).orTimeout(60, TimeUnit.SECONDS).join();
            ws.abort();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/ws", "/exec/ws"})
    void bothSocketsRefuseAnUnknownServerAWrongKeyAndAnotherServersToken(String socket) {
        assertThat(upgrade(UUID.randomUUID().toString(), socket, node.apiKey)).isEqualTo(404);
        assertThat(upgrade(server, socket, "not-the-key-0123456789")).isEqualTo(401);
        assertThat(upgrade(server, socket, token(other, "exec"))).isEqualTo(403);
        assertThat(upgrade(server, socket, node.apiKey)).isEqualTo(101);
        assertThat(upgrade(server, socket, null)).as("the first message authenticates").isEqualTo(101);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"console.read", "exec"})
    void onlyTheExecSocketAsksForTheExecPermission(String permission) {
        String t = token(server, permission);

        assertThat(upgrade(server, "/ws", t)).isEqualTo(101);
        assertThat(upgrade(server, "/exec/ws", t)).isEqualTo(permission.equals("exec") ? 101 : 403);
    }
}
