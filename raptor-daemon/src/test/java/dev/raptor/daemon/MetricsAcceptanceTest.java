package dev.raptor.daemon;

import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.daemon.testing.TestDaemon;
import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.auth.ApiKey;
import dev.raptor.core.testing.EngineProxy;
import dev.raptor.metrics.testing.PrometheusServer;
import dev.raptor.query.testing.MinecraftResponder;
import dev.raptor.query.testing.SourceResponder;
import dev.raptor.wire.json.WireJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The acceptance, on a real raptord: a real Prometheus scrapes the daemon's metrics and its
 * HTTP API then holds a running server's memory series and the power-action histogram of its start;
 * a free-space threshold above the data directory's real free space turns deep health degraded, in
 * the metrics too.
 */
class MetricsAcceptanceTest {
    static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path tmp;
    final String node = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
    final List<DaemonProcess> daemons = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        daemons.forEach(DaemonProcess::close);
        TestDaemon.removeContainers(node);
    }

    private DaemonProcess daemon(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("RAPTOR_DATA_DIR", tmp.resolve("data").toString());
        env.put("RAPTOR_HTTP_ADDR", "127.0.0.1:" + DaemonProcess.freePort());
        env.put("RAPTOR_SOCKET", tmp.resolve("raptor.sock").toString());
        env.put("RAPTOR_API_KEY", ApiKey.generate());
        env.put("RAPTOR_RUNTIME", "docker");
        env.put("RAPTOR_NODE", node);
        env.put("DOCKER_HOST", TestDaemon.dockerHost());
        env.putAll(extra);
        DaemonProcess d = TestDaemon.launch(tmp, "raptord", env, List.of());
        daemons.add(d);
        TestDaemon.awaitHealthy(d);
        return d;
    }

    @Test
    void aRealPrometheusFindsARunningServersMemoryAndThePowerHistogramOfItsStart() throws Exception {
        DaemonProcess d = daemon(Map.of());
        JsonNode created = DaemonRequests.json(d, "POST", "/api/v1/servers", """
                {"name": "scraped", "image": "raptor-test/gameserver:1", "readyPattern": "Done!",
                 "limits": {"memoryMiB": 256},
                 "stop": {"type": "command", "value": "stop", "timeoutSeconds": 20}}""", 201);
        String id = created.get("id").asText();
        assertThat(DaemonRequests.json(d, "POST", "/api/v1/servers/" + id + "/power", "{\"action\":\"start\"}", 200).get("state").asText())
                .isEqualTo("running");

        // /metrics on the API's address, behind the node key, as Prometheus' bearer authorization sends it
        try (PrometheusServer prometheus = PrometheusServer.scraping(tmp.resolve("prometheus"), "127.0.0.1:" + d.port(), "/metrics", d.apiKey())) {
            await().atMost(WAIT).until(() -> !prometheus.query("raptor_server_memory_usage_bytes{server=\"" + id + "\"} > 0").isEmpty());
            JsonNode memory = prometheus.query("raptor_server_memory_usage_bytes{server=\"" + id + "\"}").getFirst();
            assertThat(memory.path("metric").path("name").asText()).isEqualTo("scraped");
            assertThat(prometheus.query("raptor_server_memory_limit_bytes{server=\"" + id + "\"} == 268435456")).hasSize(1);

            List<JsonNode> starts = prometheus.query("raptor_power_action_seconds_count{action=\"start\",outcome=\"done\"}");
            assertThat(starts).hasSize(1);
            assertThat(starts.getFirst().path("value").get(1).asText()).isEqualTo("1");
            assertThat(prometheus.query("raptor_power_action_seconds_bucket{action=\"start\",le=\"+Inf\"} == 1")).hasSize(1);
            assertThat(prometheus.query("raptor_engine_call_seconds_count{call=\"start\",outcome=\"ok\"} >= 1")).isNotEmpty();
            assertThat(prometheus.target().path("lastError").asText()).isEmpty();
        }
    }

    @Test
    void aRealPrometheusFindsTheAgeOfAServersLastBackupNaNBeforeItsFirstAndItOutlivesARestart() throws Exception {
        DaemonProcess d = daemon(Map.of());
        String id = DaemonRequests.json(d, "POST", "/api/v1/servers", """
                {"name": "backed-up", "image": "raptor-test/gameserver:1",
                 "stop": {"type": "command", "value": "stop", "timeoutSeconds": 20}}""", 201).get("id").asText();
        String series = "raptor_server_last_backup_age_seconds{server=\"" + id + "\"}";
        Path root = tmp.resolve("data").resolve("volumes").resolve(id); // its files, as its first start would leave them
        java.nio.file.Files.createDirectories(root);
        java.nio.file.Files.writeString(root.resolve("server.properties"), "motd=backed up\n");

        try (PrometheusServer prometheus = PrometheusServer.scraping(tmp.resolve("prometheus"), "127.0.0.1:" + d.port(), "/metrics", d.apiKey())) {
            await().atMost(WAIT).until(() -> !prometheus.query(series).isEmpty());
            JsonNode before = prometheus.query(series).getFirst();
            assertThat(before.path("value").get(1).asText()).as("before the first backup").isEqualTo("NaN");
            assertThat(before.path("metric").path("name").asText()).isEqualTo("backed-up");

            JsonNode backup = DaemonRequests.json(d, "POST", "/api/v1/servers/" + id + "/backups", "{}", 200);
            assertThat(backup.get("status").asText()).as(backup.toString()).isEqualTo("done");

            // NaN compares false: only a number of seconds passes
            await().atMost(WAIT).until(() -> !prometheus.query(series + " >= 0").isEmpty());
            assertThat(prometheus.query(series + " < 3600")).hasSize(1);
            assertThat(prometheus.target().path("lastError").asText()).isEmpty();
        }

        // a restarted daemon finds the last backup in the store
        d.close();
        DaemonProcess again = daemon(Map.of());
        String metrics = DaemonRequests.request(again, "GET", "/metrics", null).body();
        String line = metrics.lines().filter(l -> l.startsWith("raptor_server_last_backup_age_seconds{") && l.contains(id))
                .findFirst().orElseThrow(() -> new AssertionError("no last backup age of " + id + " in\n" + metrics));
        double age = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        assertThat(age).as(line).isBetween(0.0, 3600.0);
    }

    @Test
    void theMetricsAddressNeedsNoKeyAndServesOnlyMetrics() throws Exception {
        int metricsPort = DaemonProcess.freePort();
        daemon(Map.of("RAPTOR_METRICS_ADDR", "127.0.0.1:" + metricsPort));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> open = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                .header("Accept", "application/openmetrics-text; version=1.0.0").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(open.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/openmetrics-text");
        assertThat(open.body()).contains("raptor_servers{state=\"running\"}").endsWith("# EOF\n");

        HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/api/v1/servers"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(404);
    }

    @Test
    void freeSpaceBelowTheWarningThresholdMakesDeepHealthDegradedInTheMetrics() throws Exception {
        int metricsPort = DaemonProcess.freePort();
        // a warning threshold of 1 PiB: above any test machine's free space
        daemon(Map.of("RAPTOR_METRICS_ADDR", "127.0.0.1:" + metricsPort, "RAPTOR_HEALTH_DISK_WARN_MIB", Long.toString(1L << 30)));
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(WAIT).until(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body().contains("raptor_health_check_status{check=\"disk\"} 1.0"));
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(body).contains("raptor_health_status 1.0").contains("raptor_health_check_status{check=\"engine\"} 0.0");
    }

    @Test
    void deepHealthIsDegradedBelowTheFreeSpaceThresholdAndUnhealthyOnceTheEngineStops() throws Exception {
        try (EngineProxy engine = new EngineProxy(tmp.resolve("engine.sock"), TestDaemon.dockerHost())) {
            DaemonProcess d = daemon(Map.of("DOCKER_HOST", engine.dockerHost(), "RAPTOR_HEALTH_DISK_WARN_MIB", Long.toString(1L << 30)));

            HttpResponse<String> degraded = DaemonRequests.request(d, "GET", "/api/v1/health?deep=true", null);
            assertThat(degraded.statusCode()).as(degraded.body()).isEqualTo(200);
            JsonNode report = WireJson.parse(degraded.body());
            assertThat(report.get("status").asText()).isEqualTo("degraded");
            assertThat(report.get("reasons")).singleElement().satisfies(r -> assertThat(r.asText()).startsWith("disk: ").contains("(below "));

            engine.cutAndRefuse(); // the daemon's engine is gone: open connections break, new ones are refused

            HttpResponse<String> unhealthy = DaemonRequests.request(d, "GET", "/api/v1/health?deep=true", null);
            assertThat(unhealthy.statusCode()).as(unhealthy.body()).isEqualTo(503);
            report = WireJson.parse(unhealthy.body());
            assertThat(report.get("status").asText()).isEqualTo("unhealthy");
            assertThat(report.get("reasons").toString()).contains("engine: docker does not answer");
            assertThat(report.get("checks").get(0).get("status").asText()).as("the store still writes").isEqualTo("healthy");
            // the plain probe still answers (its engine check has its own deadline)
            assertThat(DaemonRequests.request(d, "GET", "/api/v1/health", null).statusCode()).isEqualTo(503);
        }
    }

    @Test
    void playersOfMinecraftAndSourceServersReachTheApiAndTheMetrics() throws Exception {
        try (MinecraftResponder slp = MinecraftResponder.modern(7, 20, "Paper 1.21.4", "\"Lobby\"");
             SourceResponder a2s = SourceResponder.withChallenge("Valheim EU", "0.219.16", 4, 10)) {
            DaemonProcess d = daemon(Map.of());
            String mc = startWithQuery(d, "mc", "{\"protocol\": \"minecraft\", \"port\": " + slp.port() + "}");
            String valheim = startWithQuery(d, "valheim", "{\"protocol\": \"source\", \"port\": " + a2s.port() + "}");

            await().atMost(WAIT).until(() -> DaemonRequests.json(d, "GET", "/api/v1/servers/" + mc, null, 200).path("game").path("answered").asBoolean()
                    && DaemonRequests.json(d, "GET", "/api/v1/servers/" + valheim, null, 200).path("game").path("answered").asBoolean());
            JsonNode mcGame = DaemonRequests.json(d, "GET", "/api/v1/servers/" + mc, null, 200).get("game");
            assertThat(mcGame.get("playersOnline").asInt()).isEqualTo(7);
            assertThat(mcGame.get("playersMax").asInt()).isEqualTo(20);
            assertThat(mcGame.get("version").asText()).isEqualTo("Paper 1.21.4");
            assertThat(mcGame.get("motd").asText()).isEqualTo("Lobby");
            JsonNode valheimGame = DaemonRequests.json(d, "GET", "/api/v1/servers/" + valheim + "/stats", null, 200).get("game");
            assertThat(valheimGame.get("playersOnline").asInt()).isEqualTo(4);
            assertThat(valheimGame.get("playersMax").asInt()).isEqualTo(10);

            await().atMost(WAIT).until(() -> {
                String metrics = DaemonRequests.request(d, "GET", "/metrics", null).body();
                return metrics.contains("raptor_server_players_online{name=\"mc\",server=\"" + mc + "\"} 7.0")
                        && metrics.contains("raptor_server_players_max{name=\"valheim\",server=\"" + valheim + "\"} 10.0");
            });
        }
    }

    private static String startWithQuery(DaemonProcess d, String name, String query) {
        String id = DaemonRequests.json(d, "POST", "/api/v1/servers", """
                {"name": "%s", "image": "raptor-test/gameserver:1", "readyPattern": "Done!", "query": %s,
                 "stop": {"type": "command", "value": "stop", "timeoutSeconds": 20}}""".formatted(name, query), 201).get("id").asText();
        assertThat(DaemonRequests.json(d, "POST", "/api/v1/servers/" + id + "/power", "{\"action\":\"start\"}", 200).get("state").asText())
                .isEqualTo("running");
        return id;
    }
}
