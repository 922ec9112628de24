package dev.raptor.bench.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/**
 * The harness's client of the daemon's HTTP API over loopback TCP, authenticated with the node API
 * key: what a panel does. Every request has a timeout.
 */
public final class ApiClient implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    /** Power and delete requests wait for their operation; the daemon bounds the wait by {@code timeout}. */
    private static final Duration OPERATION_LIMIT = Duration.ofSeconds(120);

    private final HttpClient http;
    private final String base;
    private final String key;

    public ApiClient(DaemonProcess daemon) {
        this(daemon.baseUrl(), daemon.apiKey());
    }

    public ApiClient(String base, String key) {
        this.base = base;
        this.key = key;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** An answer: status and parsed body (null when empty). */
    public record Answer(int status, JsonNode body) {
        public Answer expect(int... ok) throws IOException {
            for (int s : ok) {
                if (s == status) {
                    return this;
                }
            }
            throw new IOException("unexpected HTTP " + status + ": " + body);
        }
    }

    public Answer send(String method, String path, JsonNode body, Duration timeout) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + key)
                .header("Accept", "application/json");
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode parsed = r.body().length == 0 ? null : JSON.readTree(r.body());
        return new Answer(r.statusCode(), parsed);
    }

    /** {@code GET /servers}, bounded by {@code timeout} (an {@link java.net.http.HttpTimeoutException} past it). */
    public Answer list(Duration timeout) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/servers"))
                .timeout(timeout)
                .header("Authorization", "Bearer " + key)
                .header("Accept", "application/json")
                .GET().build();
        // read the whole body (a panel would), but leave parsing out of the measured time
        HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(r.statusCode(), null);
    }

    /** {@code GET /servers}, parsed. */
    public JsonNode servers() throws IOException, InterruptedException {
        return send("GET", "/servers", null, Duration.ofSeconds(30)).expect(200).body();
    }

    public UUID create(ObjectNode server) throws IOException, InterruptedException {
        Answer a = send("POST", "/servers", server, Duration.ofSeconds(30)).expect(201);
        return UUID.fromString(a.body().get("id").asText());
    }

    /** A power action, waiting for its result; fails unless the operation is done. */
    public void power(UUID id, String action) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("action", action).put("timeout", OPERATION_LIMIT.toSeconds());
        Answer a = send("POST", "/servers/" + id + "/power", body, OPERATION_LIMIT.plusSeconds(10)).expect(200);
        requireDone(a, action + " of " + id);
    }

    /** Merge-patches the spec and recreates the server at once ({@code ?apply=now}), waiting for the recreate. */
    public void patchApplyNow(UUID id, ObjectNode patch) throws IOException, InterruptedException {
        send("PATCH", "/servers/" + id + "?apply=now&timeout=" + OPERATION_LIMIT.toSeconds(), patch, OPERATION_LIMIT.plusSeconds(10)).expect(200);
    }

    public void delete(UUID id, boolean force) throws IOException, InterruptedException {
        Answer a = send("DELETE", "/servers/" + id + "?force=" + force + "&timeout=" + OPERATION_LIMIT.toSeconds(), null,
                OPERATION_LIMIT.plusSeconds(10)).expect(200, 404);
        if (a.status() == 200) {
            requireDone(a, "delete of " + id);
        }
    }

    public void command(UUID id, String line) throws IOException, InterruptedException {
        send("POST", "/servers/" + id + "/commands", JSON.createObjectNode().put("command", line), Duration.ofSeconds(30)).expect(204, 200);
    }

    private static void requireDone(Answer a, String what) throws IOException {
        String status = a.body() == null || a.body().get("status") == null ? "?" : a.body().get("status").asText();
        if (!status.equals("done")) {
            throw new IOException(what + " did not succeed: " + a.body());
        }
    }

    @Override
    public void close() {
        http.shutdownNow(); // every request has its own timeout; nothing is left worth waiting for
    }
}
