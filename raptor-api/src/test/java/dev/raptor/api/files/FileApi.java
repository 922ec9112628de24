package dev.raptor.api.files;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.testing.ApiExchanges;
import dev.raptor.api.testing.TestNode;
import dev.raptor.wire.json.WireJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The file routes of one server of a {@link TestNode}, with binary bodies; every answer is recorded and checked
 * against {@code openapi.json} like the node's own requests.
 */
final class FileApi {
    final TestNode node;
    final String id;

    FileApi(TestNode node, String id) {
        this.node = node;
        this.id = id;
    }

    /** The server's volume on the host. */
    Path root() {
        return node.dataDir.resolve("volumes").resolve(id);
    }

    String base() {
        return "/api/v1/servers/" + id + "/files";
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** An answer with its raw bytes. */
    record Bin(int status, String contentType, java.net.http.HttpHeaders headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            return WireJson.parse(text());
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        boolean isProblem() {
            return contentType != null && contentType.startsWith("application/problem+json");
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + (body.length > 500 ? text().substring(0, 500) : text());
        }
    }

    Bin send(HttpRequest.Builder b, String method, String target) {
        try {
            HttpResponse<byte[]> r = node.http.send(b.timeout(TestNode.HANG).build(), HttpResponse.BodyHandlers.ofByteArray());
            Bin bin = new Bin(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.headers(), r.body());
            ApiExchanges.answer("http", method, target, bin.status(), bin.contentType(), bin.text());
            return bin;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder request(String target, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(node.uri(target));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b;
    }

    Bin put(String path, byte[] content) {
        return put(path, content, node.apiKey);
    }

    Bin put(String path, byte[] content, String bearer) {
        String target = base() + "/content?path=" + q(path);
        return send(request(target, bearer).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)), "PUT", target);
    }

    Bin get(String path) {
        return get(path, node.apiKey, null);
    }

    Bin get(String path, String bearer, String range) {
        String target = base() + "/content?path=" + q(path);
        HttpRequest.Builder b = request(target, bearer).GET();
        if (range != null) {
            b.header("Range", range);
        }
        return send(b, "GET", target);
    }

    TestNode.Res list(String path) {
        return node.get(base() + "?path=" + q(path));
    }

    TestNode.Res post(String route, String json) {
        return node.post(base() + "/" + route, json);
    }

    TestNode.Res post(String route, String json, String bearer) {
        return node.send("POST", base() + "/" + route, json, "Authorization", "Bearer " + bearer);
    }

    static UUID uuid(String s) {
        return UUID.fromString(s);
    }
}
