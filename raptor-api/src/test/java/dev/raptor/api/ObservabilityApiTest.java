package dev.raptor.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.testing.TestEngine;
import dev.raptor.api.testing.TestNode;
import dev.raptor.query.testing.MinecraftResponder;
import dev.raptor.query.testing.SourceResponder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /metrics}, {@code GET /health?deep=true} and the {@code game} member of server documents
 * and stats, on a node wired as the daemon wires it, with protocol responders standing in for the games'
 * query ports (the test image speaks no game protocol).
 */
class ObservabilityApiTest {
    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        // a free-space warning above what the disk has: the deep check reports it degraded
        node = TestNode.startWithDiskWarning(dir, Files.getFileStore(dir).getTotalSpace() + 1);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private String createAndStart(String name, String query) {
        TestNode.Res created = node.post("/api/v1/servers", """
                {"name": "%s", "image": "%s", "readyPattern": "Done!", "query": %s,
                 "stop": {"type": "command", "value": "stop", "timeoutSeconds": 20}}""".formatted(name, TestEngine.IMAGE, query));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("id").asText();
        TestNode.Res started = node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"start\"}");
        assertThat(started.json().path("state").asText()).as(started.toString()).isEqualTo("running");
        return id;
    }

    @Test
    void playersVersionAndMotdOfAMinecraftServerReachItsDocumentItsStatsAndTheMetrics() throws Exception {
        try (MinecraftResponder slp = MinecraftResponder.modern(7, 20, "Paper 1.21.4", "{\"text\":\"§aLobby\"}")) {
            String id = createAndStart("slp", "{\"protocol\": \"minecraft\", \"port\": " + slp.port() + "}");
            assertThat(node.get("/api/v1/servers/" + id).json().path("query").toString())
                    .isEqualTo("{\"protocol\":\"minecraft\",\"port\":" + slp.port() + "}");

            await().atMost(TestNode.HANG).until(() -> node.get("/api/v1/servers/" + id).json().path("game").path("answered").asBoolean());
            JsonNode game = node.get("/api/v1/servers/" + id).json().get("game");
            assertThat(game.get("protocol").asText()).isEqualTo("minecraft");
            assertThat(game.get("playersOnline").asInt()).isEqualTo(7);
            assertThat(game.get("playersMax").asInt()).isEqualTo(20);
            assertThat(game.get("version").asText()).isEqualTo("Paper 1.21.4");
            assertThat(game.get("motd").asText()).isEqualTo("Lobby");
            assertThat(node.get("/api/v1/servers/" + id + "/stats").json().path("game").path("playersOnline").asInt()).isEqualTo(7);

            String metrics = node.get("/metrics").body();
            assertThat(metrics).contains("raptor_server_players_online{name=\"slp\",server=\"" + id + "\"} 7.0");
        }
    }

    @Test
    void aSourceServerAnswersA2sInfoAfterItsChallenge() throws Exception {
        try (SourceResponder a2s = SourceResponder.withChallenge("Valheim EU", "0.219.16", 4, 10)) {
            String id = createAndStart("a2s", "{\"protocol\": \"source\", \"port\": " + a2s.port() + "}");

            await().atMost(TestNode.HANG).until(() -> node.get("/api/v1/servers/" + id).json().path("game").path("answered").asBoolean());
            JsonNode game = node.get("/api/v1/servers/" + id).json().get("game");
            assertThat(game.get("playersOnline").asInt()).isEqualTo(4);
            assertThat(game.get("playersMax").asInt()).isEqualTo(10);
            assertThat(game.get("motd").asText()).isEqualTo("Valheim EU");
            assertThat(a2s.challengesSent()).isPositive();
        }
    }

    @Test
    void aServerWhoseGameDoesNotAnswerSaysWhy() {
        String id = createAndStart("silent", "{\"protocol\": \"source\", \"port\": 9}");
        await().atMost(TestNode.HANG).until(() -> node.get("/api/v1/servers/" + id).json().has("game"));
        JsonNode game = node.get("/api/v1/servers/" + id).json().get("game");
        assertThat(game.get("answered").asBoolean()).isFalse();
        assertThat(game.get("error").asText()).startsWith("source query to 127.0.0.1:9");
        assertThat(game.has("playersOnline")).isFalse();
    }

    @Test
    void metricsNeedTheNodeKeyAndSpeakOpenMetricsWhenAskedAndTimeRequestsByRoute() {
        assertThat(node.send("GET", "/metrics", null).status()).isEqualTo(401);

        node.get("/api/v1/servers/00000000-0000-0000-0000-000000000000");
        TestNode.Res text = node.get("/metrics");
        assertThat(text.status()).isEqualTo(200);
        assertThat(text.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(text.body()).contains("raptor_api_requests_seconds_count{method=\"GET\",route=\"/api/v1/servers/{id}\",status=\"404\"}")
                .contains("raptor_console_sockets 0.0").contains("raptor_servers{state=\"running\"}")
                // each request's wait from its headers to its handler, by route
                .containsPattern("raptor_api_request_wait_seconds_count\\{method=\"GET\",route=\"/api/v1/servers/\\{id}\"} [1-9]")
                .contains("raptor_api_request_wait_seconds_bucket{method=\"GET\",route=\"/api/v1/servers/{id}\",le=\"0.001\"}");

        TestNode.Res open = node.send("GET", "/metrics", null, "Authorization", "Bearer " + node.apiKey,
                "Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        assertThat(open.contentType()).startsWith("application/openmetrics-text; version=1.0.0");
        assertThat(open.body()).endsWith("# EOF\n");
    }

    @Test
    void deepHealthNeedsTheNodeKeyAndNamesEveryCheckWithTheReasons() {
        TestNode.Res anonymous = node.send("GET", "/api/v1/health?deep=true", null);
        assertThat(anonymous.status()).as(anonymous.toString()).isEqualTo(401);
        assertThat(node.send("GET", "/api/v1/health", null).status()).as("the plain probe needs no key").isEqualTo(200);

        TestNode.Res deep = node.get("/api/v1/health?deep=true");
        assertThat(deep.status()).as(deep.toString()).isEqualTo(200);
        JsonNode report = deep.json();
        assertThat(report.get("status").asText()).isEqualTo("degraded");
        assertThat(report.get("checks").findValuesAsText("name")).containsExactly("store", "engine", "disk", "clock", "servers");
        assertThat(report.get("reasons")).hasSize(1);
        assertThat(report.get("reasons").get(0).asText()).startsWith("disk: ").contains("free of");
        assertThat(report.get("checks").get(0).get("detail").asText()).startsWith("sqlite committed a write");
        assertThat(report.get("checks").get(1).get("status").asText()).isEqualTo("healthy");

        assertThat(node.get("/api/v1/health?deep=maybe").status()).isEqualTo(400);
        assertThat(node.get("/metrics").body()).contains("raptor_health_check_status{check=\"disk\"} 1.0");
    }
}
