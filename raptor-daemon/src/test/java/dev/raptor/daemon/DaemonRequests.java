package dev.raptor.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.wire.json.WireJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Raw requests to a child raptord over TCP with its API key, for what a typed client does not read: the
 * Prometheus text of {@code /metrics}, an answer's exact status and body as the metrics acceptance test
 * checks them, a spec member written as JSON. Everything else goes through {@code RaptorClient}.
 */
final class DaemonRequests {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private DaemonRequests() {
    }

    static HttpResponse<String> request(DaemonProcess d, String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path))
                .timeout(Duration.ofSeconds(90)).header("Authorization", "Bearer " + d.apiKey());
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The answer's JSON, failing the test unless its status is {@code expectedStatus}. */
    static JsonNode json(DaemonProcess d, String method, String path, String body, int expectedStatus) {
        HttpResponse<String> r = request(d, method, path, body);
        if (r.statusCode() != expectedStatus) {
            fail(method + " " + path + " answered " + r.statusCode() + " " + r.body() + ", not " + expectedStatus);
        }
        return r.body().isEmpty() ? WireJson.mapper().createObjectNode() : WireJson.parse(r.body());
    }
}
