package dev.raptor.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.raptor.metrics.testing.PrometheusServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus reads what {@link RaptorMetrics} writes: it negotiates OpenMetrics, finds no
 * error in it, and stores the histograms and gauges under the names README-metrics.md gives.
 */
class PrometheusScrapeTest {
    @TempDir
    Path tmp;

    @Test
    void aRealPrometheusScrapesTheExpositionItNegotiated() throws Exception {
        ConcurrentLinkedQueue<String> accepted = new ConcurrentLinkedQueue<>();
        try (RaptorMetrics metrics = RaptorMetrics.create()) {
            new ApiMetrics(metrics.registry()).record("GET", "/api/v1/servers/{id}", 200, Duration.ofMillis(12));
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.createContext("/metrics", exchange -> {
                accepted.add(String.valueOf(exchange.getRequestHeaders().getFirst("Accept")));
                Exposition e = metrics.scrape(exchange.getRequestHeaders().getFirst("Accept"));
                byte[] body = e.body().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", e.contentType());
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            http.start();
            try (PrometheusServer prometheus = PrometheusServer.scraping(tmp.resolve("prometheus"),
                    "127.0.0.1:" + http.getAddress().getPort(), "/metrics", null)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> !prometheus.query("up{job=\"raptor\"} == 1").isEmpty());

                JsonNode target = prometheus.target();
                assertThat(target.path("health").asText()).as("target %s; log:\n%s", target, prometheus.log()).isEqualTo("up");
                assertThat(target.path("lastError").asText()).isEmpty();
                assertThat(accepted).anyMatch(a -> a.contains("application/openmetrics-text"));

                List<JsonNode> buckets = prometheus.query("raptor_api_requests_seconds_bucket{route=\"/api/v1/servers/{id}\",le=\"0.025\"}");
                assertThat(buckets).hasSize(1);
                assertThat(buckets.getFirst().path("value").get(1).asText()).isEqualTo("1");
                assertThat(prometheus.query("jvm_memory_used_bytes")).isNotEmpty();
            } finally {
                http.stop(0);
            }
        }
    }
}
