package dev.raptor.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.testing.RawHttp;
import dev.raptor.api.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Each error status of the contract, produced by a real request, answers an RFC 9457 problem. */
class ErrorContractTest {
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

    /** Asserts the answer is a problem document with this status, and returns its body. */
    static JsonNode problem(TestNode.Res r, int status) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.contentType()).as(r.toString()).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("type").asText()).startsWith("urn:raptor:problem:");
        assertThat(p.get("title").asText()).isNotBlank();
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("detail").asText()).isNotBlank();
        return p;
    }

    @Test
    void malformedJsonIs400WithLineAndColumn() {
        JsonNode p = problem(node.post("/api/v1/servers", "{\"name\": \"x\",\n  \"image\": }"), 400);
        assertThat(p.get("type").asText()).endsWith(":malformed-json");
        assertThat(p.get("line").asInt()).isEqualTo(2);
        assertThat(p.get("column").asInt()).isPositive();
        assertThat(p.get("detail").asText()).contains("line 2");
    }

    @Test
    void invalidFieldsAre400ListingEveryFieldPath() {
        JsonNode p = problem(node.post("/api/v1/servers", """
                {"name": "", "image": "raptor-test/gameserver:1", "limits": {"ioWeight": 5},
                 "allocations": [{"ip": "not-an-ip", "port": 70000, "primary": true}], "memoryMb": 1}"""), 400);
        assertThat(p.get("type").asText()).endsWith(":validation");
        assertThat(p.get("errors").findValuesAsText("field"))
                .contains("name", "limits.ioWeight", "allocations[0].ip", "allocations[0].port", "memoryMb");
    }

    @Test
    void unknownRouteIs404() {
        JsonNode p = problem(node.get("/api/v1/nothing-here"), 404);
        assertThat(p.get("type").asText()).endsWith(":no-route");
    }

    @Test
    void unknownServerIs404() {
        UUID id = UUID.randomUUID();
        JsonNode p = problem(node.get("/api/v1/servers/" + id), 404);
        assertThat(p.get("detail").asText()).contains(id.toString());
        problem(node.get("/api/v1/servers/not-a-uuid"), 404);
    }

    @Test
    void wrongMethodIs405NamingTheAllowedOnes() {
        TestNode.Res r = node.call("PUT", "/api/v1/servers", "{}");
        problem(r, 405);
        assertThat(r.header("Allow")).contains("GET").contains("POST");
    }

    @Test
    void wrongContentTypeIs415() {
        JsonNode p = problem(node.send("POST", "/api/v1/servers", TestNode.gameServer("x", 0),
                "Authorization", "Bearer " + node.apiKey, "Content-Type", "text/plain"), 415);
        assertThat(p.get("detail").asText()).contains("application/json");
    }

    @Test
    void everyRouteThatTakesAJsonBodyRefusesAnotherTypeWith415() {
        String id = node.create(TestNode.gameServer("typed-bodies", 0));
        for (String route : List.of("POST /api/v1/servers/" + id + "/exec", "POST /api/v1/servers/" + id + "/commit",
                "POST /api/v1/images/pull", "POST /api/v1/images/prune", "POST /api/v1/networks",
                "POST /api/v1/servers/" + id + "/tokens", "POST /api/v1/servers/" + id + "/messages")) {
            String[] r = route.split(" ");
            JsonNode p = problem(node.send(r[0], r[1], "{}", "Authorization", "Bearer " + node.apiKey, "Content-Type", "text/plain"), 415);
            assertThat(p.get("detail").asText()).as(route).contains("application/json");
        }
    }

    @Test
    void anUnknownServerIs404OnTheRoutesThatActOnIt() {
        UUID unknown = UUID.randomUUID();
        for (String[] r : List.of(new String[] {"/exec", "{\"command\": [\"true\"]}"},
                new String[] {"/tokens", "{\"permissions\": [\"power\"]}"})) {
            JsonNode p = problem(node.post("/api/v1/servers/" + unknown + r[0], r[1]), 404);
            assertThat(p.get("detail").asText()).as(r[0]).contains(unknown.toString());
        }
    }

    @Test
    void aPatchInAnotherMediaTypeIs415AndChangesNothing() {
        String id = node.create(TestNode.gameServer("patch-media", 0));
        JsonNode p = problem(node.send("PATCH", "/api/v1/servers/" + id, "{\"name\": \"patch-media-2\"}",
                "Authorization", "Bearer " + node.apiKey, "Content-Type", "text/plain"), 415);
        assertThat(p.get("detail").asText()).contains("text/plain");
        assertThat(node.get("/api/v1/servers/" + id).json().get("name").asText()).isEqualTo("patch-media");
    }

    @Test
    void bodyOverTheLimitIs413() {
        String huge = "{\"name\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        problem(node.post("/api/v1/servers", huge), 413);
    }

    @Test
    void everyRouteThatTakesABodyRefusesOneOverTheLimitWith413() {
        String id = node.create(TestNode.gameServer("big-bodies", 0));
        String huge = "{\"name\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        for (String route : List.of("POST /api/v1/servers/" + id + "/power", "POST /api/v1/servers/" + id + "/transfer",
                "POST /api/v1/servers/" + id + "/commands",
                "POST /api/v1/servers/" + id + "/tokens", "PATCH /api/v1/servers/" + id, "POST /api/v1/state/import",
                "POST /api/v1/servers/" + id + "/exec", "POST /api/v1/servers/" + id + "/commit", "POST /api/v1/images/pull",
                "POST /api/v1/images/prune", "POST /api/v1/networks")) {
            String[] r = route.split(" ");
            JsonNode p = problem(node.call(r[0], r[1], huge), 413);
            assertThat(p.get("maxBytes").asLong()).as(route).isEqualTo(1024 * 1024);
        }
        assertThat(node.get("/api/v1/servers/" + id).json().get("name").asText()).isEqualTo("big-bodies");
    }

    @Test
    void aPatchOntoAPortAnotherServerHoldsIs409AndChangesNothing() {
        String spec = """
                {"name": "%s", "image": "raptor-test/gameserver:1",
                 "allocations": [{"ip": "127.0.0.1", "port": %d, "primary": true}]}""";
        int held = TestNode.freePort();
        int own = TestNode.freePort();
        String holder = node.create(spec.formatted("patch-port-holder", held));
        String mover = node.create(spec.formatted("patch-port-mover", own));
        JsonNode p = problem(node.call("PATCH", "/api/v1/servers/" + mover,
                "{\"allocations\": [{\"ip\": \"127.0.0.1\", \"port\": " + held + "}]}"), 409);
        assertThat(p.get("conflictsWith").get("id").asText()).isEqualTo(holder);
        assertThat(node.get("/api/v1/servers/" + mover).json().get("allocations").get(0).get("port").asInt()).isEqualTo(own);
    }

    @Test
    void staleVersionIs412() {
        String id = node.create(TestNode.gameServer("stale", 0));
        TestNode.Res first = node.send("PATCH", "/api/v1/servers/" + id, "{\"name\": \"stale-2\"}",
                "Authorization", "Bearer " + node.apiKey, "If-Match", "\"1\"", "Content-Type", "application/merge-patch+json");
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.header("ETag")).isEqualTo("\"2\"");
        JsonNode p = problem(node.send("PATCH", "/api/v1/servers/" + id, "{\"name\": \"stale-3\"}",
                "Authorization", "Bearer " + node.apiKey, "If-Match", "\"1\""), 412);
        assertThat(p.get("currentVersion").asLong()).isEqualTo(2);
        assertThat(node.get("/api/v1/servers/" + id).json().get("name").asText()).isEqualTo("stale-2");
    }

    @Test
    void portConflictIs409NamingTheOtherServer() {
        int port = TestNode.freePort();
        String spec = """
                {"name": "%s", "image": "raptor-test/gameserver:1",
                 "allocations": [{"ip": "127.0.0.1", "port": %d, "primary": true}]}""";
        String holder = node.create(spec.formatted("port-holder", port));
        JsonNode p = problem(node.post("/api/v1/servers", spec.formatted("port-wanter", port)), 409);
        assertThat(p.get("type").asText()).endsWith(":port-conflict");
        assertThat(p.get("conflictsWith").get("id").asText()).isEqualTo(holder);
        assertThat(p.get("conflictsWith").get("name").asText()).isEqualTo("port-holder");
        assertThat(p.get("detail").asText()).contains(holder).contains("port-holder").contains("127.0.0.1:" + port + "/tcp");
    }

    @Test
    void commandToAnOfflineServerIs409() {
        String id = node.create(TestNode.gameServer("offline", 0));
        JsonNode p = problem(node.post("/api/v1/servers/" + id + "/commands", "{\"command\": \"say hi\"}"), 409);
        assertThat(p.get("type").asText()).endsWith(":server-not-running");
    }

    @Test
    void duplicateIdIs409() {
        String id = node.create(TestNode.gameServer("dup", 0));
        problem(node.post("/api/v1/servers", TestNode.gameServer("dup-2", 0).replaceFirst("\\{", "{\"id\": \"" + id + "\", ")), 409);
    }

    @Test
    void missingCredentialsAre401WithAChallenge() {
        TestNode.Res r = node.send("GET", "/api/v1/servers", null);
        problem(r, 401);
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
        problem(node.send("GET", "/api/v1/servers", null, "Authorization", "Bearer not-the-key"), 401);
        problem(node.send("GET", "/api/v1/servers", null, "Authorization", "Basic dXNlcjpwYXNz"), 401);
    }

    @Test
    void anEmptyBearerTokenIs401SayingItIsEmpty() {
        // what `curl -H "Authorization: Bearer $KEY"` sends when KEY is empty
        for (String header : List.of("Bearer ", "Bearer", "bearer   ")) {
            RawHttp.Response r = node.tcp().send("GET", "/api/v1/servers", null, "Authorization", header);
            assertThat(r.status()).as(header).isEqualTo(401);
            assertThat(r.json().get("detail").asText()).as(header).startsWith("the bearer token is empty");
        }
    }

    @Test
    void aTopLevelFieldThatBelongsInASectionIs400WithAHintAtItsPath() {
        JsonNode p = problem(node.post("/api/v1/servers", TestNode.gameServer("hinted", 0).replaceFirst("\\{", "{\"memory\": 1024, ")), 400);
        assertThat(p.get("errors")).hasSize(1);
        assertThat(p.get("errors").get(0).get("field").asText()).isEqualTo("memory");
        assertThat(p.get("errors").get(0).get("message").asText()).isEqualTo("is not a known field; did you mean limits.memoryMiB?");
    }

    @Test
    void aNameAnotherServerHasIs409NameTakenIgnoringCase() {
        String first = node.create(TestNode.gameServer("Name-Taken", 0));
        JsonNode p = problem(node.post("/api/v1/servers", TestNode.gameServer("name-taken", 0)), 409);
        assertThat(p.get("type").asText()).endsWith(":name-taken");
        assertThat(p.get("conflictsWith").get("id").asText()).isEqualTo(first);
        assertThat(p.get("conflictsWith").get("name").asText()).isEqualTo("Name-Taken");

        String second = node.create(TestNode.gameServer("name-free", 0));
        problem(node.call("PATCH", "/api/v1/servers/" + second, "{\"name\": \"NAME-TAKEN\"}"), 409);
        assertThat(node.get("/api/v1/servers/" + second).json().get("name").asText()).isEqualTo("name-free");
    }

    @Test
    void aPortAnotherProgramHoldsIs409PortInUseNamingTheProgram() throws Exception {
        try (java.nio.channels.ServerSocketChannel other = java.nio.channels.ServerSocketChannel.open()
                .bind(new java.net.InetSocketAddress("127.0.0.1", 0))) {
            int port = ((java.net.InetSocketAddress) other.getLocalAddress()).getPort();
            String spec = TestNode.gameServer("port-in-use", 0).replaceFirst("\\{",
                    "{\"allocations\": [{\"ip\": \"127.0.0.1\", \"port\": " + port + "}], ");
            JsonNode p = problem(node.post("/api/v1/servers", spec), 409);
            assertThat(p.get("type").asText()).endsWith(":port-in-use");
            assertThat(p.get("heldBy").get("binding").asText()).isEqualTo("127.0.0.1:" + port + "/tcp");
            assertThat(p.get("heldBy").get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
            assertThat(p.get("detail").asText()).startsWith("127.0.0.1:" + port + "/tcp is in use by "
                    + p.get("heldBy").get("process").asText() + " (pid " + ProcessHandle.current().pid() + ")");
            assertThat(node.get("/api/v1/servers?name=port-in-use").json().get("servers")).isEmpty();
        }
    }

    @Test
    void startingAnOfflineServerWhosePortAnotherProgramTookIs409AndStartsNothing() throws Exception {
        int port = TestNode.freePort();
        String id = node.create(TestNode.gameServer("port-taken-later", 0).replaceFirst("\\{",
                "{\"allocations\": [{\"ip\": \"127.0.0.1\", \"port\": " + port + "}], "));
        try (java.nio.channels.ServerSocketChannel other = java.nio.channels.ServerSocketChannel.open()
                .bind(new java.net.InetSocketAddress("127.0.0.1", port))) {
            JsonNode p = problem(node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"start\"}"), 409);
            assertThat(p.get("type").asText()).endsWith(":port-in-use");
            assertThat(p.get("heldBy").get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        }
        JsonNode server = node.get("/api/v1/servers/" + id).json();
        assertThat(server.get("desiredState").asText()).as("refused before the intent was recorded").isEqualTo("stopped");
        assertThat(server.get("containerId").isNull()).isTrue();
    }

    @Test
    void aBadParameterIs400NamingIt() {
        String id = node.create(TestNode.gameServer("params", 0));
        JsonNode p = problem(node.get("/api/v1/servers/" + id + "/logs?tail=lots"), 400);
        assertThat(p.get("errors").findValuesAsText("field")).containsExactly("tail");
        problem(node.get("/api/v1/servers?state=sleeping"), 400);
        problem(node.call("DELETE", "/api/v1/servers/" + id + "?force=perhaps", null), 400);
    }
}
