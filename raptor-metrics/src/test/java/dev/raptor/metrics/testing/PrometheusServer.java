package dev.raptor.metrics.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.raptor.core.testing.HostPortsForTests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real Prometheus (Debian's {@code prometheus} package; {@code scripts/test-tools.sh} installs it),
 * started on a free loopback port with a generated configuration that scrapes one target every
 * second, and its HTTP API for queries. Its TSDB and log live in the test's directory.
 */
public final class PrometheusServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts Prometheus scraping {@code http://target/metricsPath} (job {@code raptor}), with
     * {@code bearer} as its credentials when not null, and waits until it is ready.
     */
    public static PrometheusServer scraping(Path dir, String target, String metricsPath, String bearer) {
        Path binary = Path.of("/usr/bin/prometheus");
        if (!Files.isExecutable(binary)) {
            fail("prometheus is missing: run scripts/test-tools.sh (it installs Debian's prometheus package)");
        }
        try {
            Files.createDirectories(dir);
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                    scrape_configs:
                      - job_name: raptor
                        metrics_path: %s
                    %s    static_configs:
                          - targets: ['%s']
                    """.formatted(metricsPath, bearer == null ? "" : """
                        authorization:
                          type: Bearer
                          credentials: '%s'
                    """.formatted(bearer), target));
            int port = freePort();
            Path log = dir.resolve("prometheus.log");
            Process p = new ProcessBuilder(binary.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                    "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            PrometheusServer server = new PrometheusServer(p, port, log);
            try {
                // not listening yet is not a failure: on a loaded machine Prometheus takes a while to open its port
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .ignoreExceptionsInstanceOf(ConnectException.class).until(() -> {
                    if (!p.isAlive()) {
                        fail("prometheus exited with " + p.exitValue() + ":\n" + server.log());
                    }
                    return server.get("/-/ready").statusCode() == 200;
                });
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The result vector of an instant query ({@code data.result}); empty when nothing matches yet. */
    public List<JsonNode> query(String promql) {
        try {
            HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
            JsonNode body = JSON.readTree(r.body());
            if (!"success".equals(body.path("status").asText())) {
                fail("prometheus refused the query " + promql + ": " + r.body());
            }
            return body.path("data").path("result").valueStream().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The scrape target's state as Prometheus reports it ({@code /api/v1/targets}): health and last error. */
    public JsonNode target() {
        try {
            JsonNode active = JSON.readTree(get("/api/v1/targets").body()).path("data").path("activeTargets");
            return active.isEmpty() ? JSON.createObjectNode() : active.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private HttpResponse<String> get(String path) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static int freePort() {
        return HostPortsForTests.free();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
