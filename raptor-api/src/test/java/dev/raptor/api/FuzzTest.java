package dev.raptor.api;

import dev.raptor.api.testing.RawHttp;
import dev.raptor.api.testing.TestNode;
import io.javalin.router.ParsedEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing a client sends makes the daemon answer 5xx: malformed bodies, parameters, headers and
 * paths, thrown at every registered route (with the key, so they reach the handlers), and garbage
 * Jetty itself refuses. Every error answer is a problem document.
 */
class FuzzTest {
    @TempDir
    static Path dir;
    static TestNode node;
    static String server;

    static final List<String> BODIES = List.of("", "{", "}", "[]", "null", "\"text\"", "123", "true", "{} trailing",
            "{\"a\": 1, \"a\": 2}", "{\"action\": 5}", "{\"action\": \"explode\"}", "{\"action\": null}", "{\"action\": [\"start\"]}",
            "{\"action\": \"start\", \"timeout\": -1}", "{\"action\": \"start\", \"timeout\": \"soon\"}",
            "{\"action\": \"start\", \"timeout\": 1e400}", "{\"action\": \"start\", \"wait\": \"no\"}", "{\"action\": \"start\", \"bogus\": 1}",
            "{\"command\": \"\"}", "{\"command\": \"a\\nb\"}", "{\"command\": 42}", "{\"command\": \"" + "x".repeat(5000) + "\"}",
            "{\"permissions\": \"power\"}", "{\"permissions\": [1, null]}", "{\"permissions\": []}", "{\"permissions\": [\"power\"], \"expiresIn\": -5}",
            "{\"permissions\": [\"power\"], \"expiresIn\": 1e30}", "{\"name\": {}}", "{\"name\": \"x\", \"limits\": []}",
            "{\"name\": \"x\", \"allocations\": {}}", "{\"name\": \"x\", \"allocations\": [1, \"a\", null]}",
            "{\"name\": \"x\", \"allocations\": [{\"ip\": \"::1\", \"port\": 99999999999999999999}]}", "{\"id\": \"not-a-uuid\", \"name\": \"x\"}",
            "{\"name\": \"x\", \"stop\": {\"type\": \"rcon\"}}", "{\"name\": \"x\", \"tier\": \"huge\"}", "{\"name\": \"x\", \"restart\": {\"policy\": 3}}",
            "{\"name\": \"x\", \"healthCheck\": {\"intervalSeconds\": -1}}", "{\"name\": \"x\", \"readyPattern\": \"([\"}",
            "{\"name\": \"\\u0000\", \"image\": \"UPPER/Case:tag\"}", "{\"name\": \"x\", \"environment\": {\"SERVER_PORT\": \"1\", \"\": \"a\", \"A\": 1}}",
            "{\"name\": \"x\", \"mounts\": [{\"source\": \"../etc\", \"target\": \"/\"}]}", "{\"name\": \"x\", \"extraHosts\": {\"bad host\": \"nope\"}}",
            "[".repeat(5000), "{\"a\":".repeat(3000), "\"\\ud800\"");

    static final List<String> QUERIES = List.of("?tail=-1", "?tail=abc", "?tail=99999999999999999999", "?tail=", "?limit=0",
            "?limit=1001", "?before=abc", "?before=-3", "?timeout=-1", "?timeout=NaN", "?timeout=1e999", "?timeout=abc", "?wait=maybe",
            "?force=2", "?state=bogus", "?state=", "?label==x", "?label=", "?apply=later", "?%zz=1", "?tail=%", "?a=%E0%A4%A",
            "?name=%00", "?label=a%3Db%3Dc&state=running,bogus");

    static final List<String> IDS = List.of("not-a-uuid", "%20", "..%2F..", "x".repeat(300), "%zz", "%00", UUID.randomUUID().toString(),
            "00000000-0000-0000-0000-00000000000G", "{id}");

    static final List<String[]> HEADERS = List.of(
            new String[]{"Content-Type", "application/json; charset=bogus"},
            new String[]{"Content-Type", "application/json; charset=utf-32"},
            new String[]{"Content-Type", "text/plain"},
            new String[]{"Content-Type", "application/xml"},
            new String[]{"Content-Type", "multipart/form-data; boundary=x"},
            new String[]{"Content-Type", "application/x-www-form-urlencoded"},
            new String[]{"Content-Type", ";;;"},
            new String[]{"If-Match", "garbage"},
            new String[]{"If-Match", "\"abc\""},
            new String[]{"Accept", "application/xml"},
            new String[]{"X-HTTP-Method-Override", "BREW"},
            new String[]{"Authorization", "Bearer a.b.c"});

    @BeforeAll
    static void start() {
        // Every route gets a bad token ("Bearer a.b.c") among its headers: with the node's failed-auth limit on, the
        // loopback address is blocked after the first twenty and every later route is answered 429 unfuzzed.
        node = TestNode.start(dir, s -> s.withSecurity(s.security().withAuthLimit(dev.raptor.api.auth.FailedAuthLimit.Settings.OFF)));
        server = node.create(TestNode.gameServer("fuzz-target", 0));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private final List<String> failures = new ArrayList<>();
    private int sent;

    private void check(String what, RawHttp.Response r) {
        sent++;
        if (r.status() >= 500) {
            failures.add(what + " -> " + r);
        } else if (r.status() >= 400 && !r.headers().getOrDefault("content-type", "").startsWith("application/problem+json")) {
            failures.add(what + " -> not a problem document: " + r);
        }
    }

    private String key() {
        return "Authorization: Bearer " + node.apiKey + "\r\n";
    }

    /**
     * The body actually sent. An empty or empty-object body is a valid {@code POST /images/prune}: it removes every
     * unused image on the engine, which other tests (and other suites) share, so there it is scoped to this node's
     * label (which no image carries); every other malformed body goes as it is.
     */
    private static byte[] harmless(String target, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (target.startsWith("/api/v1/images/prune") && (text.isEmpty() || text.equals("{}"))) {
            return ("{\"labels\": {\"raptor-test.node\": \"" + node.node + "\"}}").getBytes(StandardCharsets.UTF_8);
        }
        return body;
    }

    private RawHttp.Response request(String method, String target, String headers, byte[] body) {
        body = harmless(target, body);
        String lines = key() + headers + (body.length > 0 || method.equals("POST") || method.equals("PATCH") ? "Content-Length: " + body.length + "\r\n" : "");
        return node.tcp().exchange(method, target, lines, body);
    }

    @Test
    void noMalformedRequestToAnyRouteIsAServerError() {
        List<ParsedEndpoint> routes = node.api.routes();
        for (ParsedEndpoint e : routes) {
            String method = e.endpoint.method.name();
            String path = e.endpoint.path;
            boolean hasBody = method.equals("POST") || method.equals("PATCH");
            boolean destructive = method.equals("DELETE");
            String onServer = path.replace("{id}", server).replace("{opId}", "no-such-operation");
            for (String id : IDS) {
                String t = path.replace("{id}", id).replace("{opId}", id);
                check(method + " " + t, request(method, t, hasBody ? "Content-Type: application/json\r\n" : "",
                        hasBody ? "{}".getBytes(StandardCharsets.UTF_8) : new byte[0]));
            }
            for (String q : destructive ? List.of("?force=2", "?timeout=-1", "?wait=maybe", "?timeout=abc") : QUERIES) {
                check(method + " " + onServer + q, request(method, onServer + q, hasBody ? "Content-Type: application/json\r\n" : "",
                        hasBody ? "{\"fuzz\": 1}".getBytes(StandardCharsets.UTF_8) : new byte[0]));
            }
            if (hasBody) {
                for (String b : BODIES) {
                    check(method + " " + onServer + " " + abbreviate(b), request(method, onServer, "Content-Type: application/json\r\n",
                            b.getBytes(StandardCharsets.UTF_8)));
                }
                check(method + " " + onServer + " invalid UTF-8", request(method, onServer, "Content-Type: application/json\r\n",
                        new byte[]{'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}));
                check(method + " " + onServer + " broken chunks", node.tcp().exchange(method, onServer,
                        key() + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n", "zz\r\n{}\r\n0\r\n\r\n".getBytes(StandardCharsets.UTF_8)));
            }
            if (!destructive) {
                for (String[] h : HEADERS) {
                    String extra = h[0] + ": " + h[1] + "\r\n";
                    byte[] b = hasBody ? "{\"fuzz\": 1}".getBytes(StandardCharsets.UTF_8) : new byte[0];
                    if (h[0].equals("Authorization")) {
                        check(method + " " + onServer + " " + extra.strip(), node.tcp().exchange(method, onServer, extra + "Content-Length: " + b.length + "\r\n", b));
                    } else {
                        check(method + " " + onServer + " " + extra.strip(), request(method, onServer, extra, b));
                    }
                }
            }
        }
        assertThat(sent).isGreaterThan(500);
        assertThat(failures).as("answers of 5xx, or errors without a problem body, out of " + sent + " requests").isEmpty();
    }

    @Test
    void garbageThatJettyRefusesIsAProblemToo() {
        RawHttp tcp = node.tcp();
        List<byte[]> garbage = List.of(
                "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nBad Header Line\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
                ("GET /api/v1/servers?x=" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1),
                ("GET /api/v1/servers HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1),
                "GET /api/v1/servers/%zz/logs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
                "GET /api/v1/../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
                "POST /api/v1/servers HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
                "POST /api/v1/servers HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        for (byte[] g : garbage) {
            RawHttp.Response r = tcp.raw(g);
            String what = new String(g, 0, Math.min(60, g.length), StandardCharsets.ISO_8859_1);
            assertThat(r.status()).as(what + " -> " + r).isBetween(400, 499);
            assertThat(r.header("content-type")).as(what + " -> " + r).startsWith("application/problem+json");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
