package dev.raptor.api;

import dev.raptor.api.testing.RawHttp;
import dev.raptor.api.testing.TestNode;
import io.javalin.router.ParsedEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Walks every route the API registers (read from Javalin's router, so a new route is walked without
 * anyone remembering to add it here): over TCP it needs credentials, a token for another server
 * does not reach it, and over the Unix socket nothing is needed.
 */
class RouteWalkTest {
    static final String HEALTH = "/api/v1/health";
    /** Routes whose credential is a signed one-shot link in the query, whatever the transport: refused (403) without one. */
    static final java.util.Set<String> BY_LINK = java.util.Set.of("/api/v1/files/upload", "/api/v1/files/download",
            "/api/v1/backups/download");
    /** The Socket.IO gateway authenticates in its handshake, not per HTTP request (SocketIoGatewayTest walks that). */
    static final String SOCKET_IO = "/socket.io";

    @TempDir
    static Path dir;
    static TestNode node;
    static String serverA;
    static String serverB;
    static String operationOfA;

    @BeforeAll
    static void start() {
        node = TestNode.start(dir);
        serverA = node.create(TestNode.gameServer("walk-a", 0));
        serverB = node.create(TestNode.gameServer("walk-b", 0));
        TestNode.Res kill = node.post("/api/v1/servers/" + serverA + "/power", "{\"action\": \"kill\"}");
        assertThat(kill.status()).as(kill.toString()).isEqualTo(200);
        operationOfA = kill.json().get("id").asText();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static List<ParsedEndpoint> routes() {
        List<ParsedEndpoint> routes = node.api.routes();
        assertThat(routes).hasSizeGreaterThanOrEqualTo(15);
        return routes;
    }

    static String target(ParsedEndpoint e, String serverId) {
        // other parameters name nothing that exists: a walk never removes a login, an image, a network or a backup
        return e.endpoint.path.replace("{id}", serverId).replace("{opId}", operationOfA).replace("{username}", "walker")
                .replace("{templateId}", "walker")
                .replace("{ref}", "raptor-walk%2Fabsent:1").replace("{name}", "raptor-walk-absent")
                .replace("{bid}", "00000000-0000-4000-8000-000000000000");
    }

    /** A body that fails validation, so that a walk never changes anything. */
    static String body(ParsedEndpoint e) {
        String m = e.endpoint.method.name();
        return m.equals("POST") || m.equals("PATCH") ? "{\"walk\": true}" : null;
    }

    @Test
    void everyRouteButHealthRefusesTcpRequestsWithoutCredentials() {
        for (ParsedEndpoint e : routes()) {
            TestNode.Res r = node.send(e.endpoint.method.name(), target(e, serverA), body(e));
            String route = e.endpoint.method.name() + " " + e.endpoint.path;
            if (e.endpoint.path.equals(HEALTH)) {
                assertThat(r.status()).as(route).isEqualTo(200);
            } else if (BY_LINK.contains(e.endpoint.path)) {
                assertThat(r.status()).as(route + " -> " + r).isEqualTo(403);
                assertThat(r.json().get("type").asText()).as(route).isEqualTo("urn:raptor:problem:link-refused");
            } else if (e.endpoint.path.equals(SOCKET_IO)) {
                assertThat(r.status()).as(route + " -> " + r).isEqualTo(400); // no Engine.IO query: refused before any handshake
            } else {
                assertThat(r.status()).as(route + " -> " + r).isEqualTo(401);
                assertThat(r.isProblem()).as(route).isTrue();
                assertThat(r.header("WWW-Authenticate")).as(route).startsWith("Bearer");
            }
        }
    }

    @Test
    void everyRouteButHealthRefusesATokenForAnotherServer() {
        TestNode.Res issued = node.post("/api/v1/servers/" + serverB + "/tokens",
                "{\"permissions\": [\"console.read\", \"console.write\", \"power\", \"files.read\", \"files.write\"]}");
        String tokenOfB = issued.json().get("token").asText();
        for (ParsedEndpoint e : routes()) {
            TestNode.Res r = node.send(e.endpoint.method.name(), target(e, serverA), body(e), "Authorization", "Bearer " + tokenOfB);
            String route = e.endpoint.method.name() + " " + e.endpoint.path;
            if (e.endpoint.path.equals(HEALTH)) {
                assertThat(r.status()).as(route).isEqualTo(200);
            } else if (e.endpoint.path.equals(SOCKET_IO)) {
                assertThat(r.status()).as(route + " -> " + r).isEqualTo(400);
            } else {
                assertThat(r.status()).as(route + " -> " + r).isEqualTo(403);
                assertThat(r.isProblem()).as(route).isTrue();
            }
        }
    }

    @Test
    void everyRouteAnswersUnixSocketRequestsWithoutCredentials() {
        String absent = UUID.randomUUID().toString(); // so that no walk deletes or starts anything
        RawHttp unix = node.unix();
        for (ParsedEndpoint e : routes()) {
            RawHttp.Response r = unix.send(e.endpoint.method.name(), target(e, absent), body(e));
            String route = e.endpoint.method.name() + " " + e.endpoint.path;
            if (BY_LINK.contains(e.endpoint.path)) {
                assertThat(r.status()).as(route + " -> " + r).isEqualTo(403); // the link is the credential here too
                continue;
            }
            assertThat(r.status()).as(route + " -> " + r).isNotIn(401, 403).isLessThan(500);
        }
    }

    @Test
    void theNodeKeyReachesEveryRoute() {
        String absent = UUID.randomUUID().toString();
        for (ParsedEndpoint e : routes()) {
            TestNode.Res r = node.call(e.endpoint.method.name(), target(e, absent), body(e));
            String route = e.endpoint.method.name() + " " + e.endpoint.path;
            if (BY_LINK.contains(e.endpoint.path)) {
                assertThat(r.status()).as(route + " -> " + r).isEqualTo(403); // the node key is no link
                continue;
            }
            assertThat(r.status()).as(route + " -> " + r).isNotIn(401, 403).isLessThan(500);
        }
    }
}
