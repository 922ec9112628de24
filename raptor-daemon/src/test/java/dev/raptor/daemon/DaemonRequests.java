package dev.raptor.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.wire.client.TrustedCertificates;
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
 * Raw requests to a child raptord over TCP (HTTPS when it serves TLS) with its API key or another credential, for what a typed client does not read: the
 * Prometheus text of {@code /metrics}, an answer's exact status and body as the metrics acceptance test
 * checks them, a spec member written as JSON. Everything else goes through {@code RaptorClient}.
 */
final class DaemonRequests {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private DaemonRequests() {
    }

    static HttpResponse<String> request(DaemonProcess d, String method, String path, String json) {
        return request(d, method, path, json, d.apiKey());
    }

    /** {@code path} on {@code d}'s origin (over HTTPS, trusting its certificate chain, when it speaks TLS) with {@code credential}. */
    static HttpResponse<String> request(DaemonProcess d, String method, String path, String json, String credential) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(d.origin() + path))
                .timeout(Duration.ofSeconds(90)).header("Authorization", "Bearer " + credential);
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        try {
            if (d.tlsCertificate() == null) {
                return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            }
            try (HttpClient https = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                    .sslContext(TrustedCertificates.sslContext(d.tlsCertificate())).build()) {
                return https.send(b.build(), HttpResponse.BodyHandlers.ofString());
            }
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
