package dev.raptor.api;

import dev.raptor.api.auth.ApiKey;
import dev.raptor.api.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API facing browsers and the internet: CORS preflights and origins (HTTP and the console socket), and the limit
 * on refused credentials per client address. Clients bind their own loopback address (127.0.0.x), so that each test
 * is a different client to the daemon; the node's own helpers call from 127.0.0.1, which no test gets blocked.
 */
class InternetFacingTest {
    static final String PANEL = "https://panel.example.com";
    @TempDir
    static Path dir;
    static TestNode node;
    static String server;

    @BeforeAll
    static void start() {
        node = TestNode.start(dir, s -> s.withSecurity(s.security().withAllowedOrigins(List.of(PANEL, "http://localhost:3000"))));
        server = node.create(TestNode.gameServer("internet-facing", 0));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static HttpClient from(String localAddress) {
        try {
            return HttpClient.newBuilder().localAddress(InetAddress.getByName(localAddress)).connectTimeout(Duration.ofSeconds(10)).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static HttpResponse<String> send(HttpClient client, String method, String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(node.uri(path)).timeout(TestNode.HANG).method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ CORS

    @Test
    void aPreflightFromAnAllowedOriginIsAnsweredWithWhatTheApiTakes() {
        HttpResponse<String> r = send(from("127.0.0.5"), "OPTIONS", "/api/v1/servers/" + server + "/power",
                "Origin", PANEL, "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains(PANEL);
        assertThat(r.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
        assertThat(r.headers().firstValue("Access-Control-Allow-Headers").orElse("")).contains("Authorization", "Content-Type");
        assertThat(String.join(", ", r.headers().allValues("Vary"))).contains("Origin", "Accept-Encoding");
        assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
    }

    @Test
    void aPreflightForTheConsoleSocketFromAnAllowedOriginIsAnswered() {
        HttpResponse<String> r = send(from("127.0.0.5"), "OPTIONS", "/api/v1/servers/" + server + "/ws",
                "Origin", "http://localhost:3000", "Access-Control-Request-Method", "GET");
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains("http://localhost:3000");
    }

    @Test
    void aPreflightFromAnotherOriginIsRefused() {
        HttpResponse<String> r = send(from("127.0.0.5"), "OPTIONS", "/api/v1/servers",
                "Origin", "https://evil.example.net", "Access-Control-Request-Method", "GET");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(r.body()).contains("origin-not-allowed");
    }

    @Test
    void aRequestFromAnAllowedOriginCanBeReadByItsPage() {
        HttpResponse<String> r = send(from("127.0.0.5"), "GET", "/api/v1/servers", "Origin", PANEL, "Authorization", "Bearer " + node.apiKey);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains(PANEL);
        assertThat(r.headers().firstValue("Access-Control-Expose-Headers").orElse("")).contains("Location", "Retry-After");
    }

    @Test
    void aRequestFromAPageOfAnotherOriginIsRefusedBeforeItRuns() {
        HttpResponse<String> r = send(from("127.0.0.5"), "DELETE", "/api/v1/servers/" + server, "Origin", "https://evil.example.net",
                "Authorization", "Bearer " + node.apiKey);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(node.get("/api/v1/servers/" + server).status()).as("the server is still there").isEqualTo(200);
    }

    @Test
    void aRequestWithoutOriginIsNotABrowsersAndIsServed() {
        HttpResponse<String> r = send(from("127.0.0.5"), "GET", "/api/v1/servers", "Authorization", "Bearer " + node.apiKey);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void aConsoleSocketUpgradeFromAnotherOriginIsRefused() {
        assertThat(upgrade("https://evil.example.net")).isEqualTo(403);
    }

    @Test
    void aConsoleSocketUpgradeFromAnAllowedOriginOrWithoutOneIsAccepted() {
        assertThat(upgrade(PANEL)).isEqualTo(101);
        assertThat(upgrade(null)).isEqualTo(101);
    }

    @Test
    void anExecSocketUpgradeIsHeldToTheSameOriginsAsTheConsoles() {
        assertThat(upgrade("https://evil.example.net", "/exec/ws")).isEqualTo(403);
        assertThat(upgrade(PANEL, "/exec/ws")).isEqualTo(101);
    }

    static int upgrade(String origin) {
        return upgrade(origin, "/ws");
    }

    static int upgrade(String origin, String socket) {
        URI uri = URI.create("ws://127.0.0.1:" + node.api.port() + "/api/v1/servers/" + server + socket);
        WebSocket.Builder b = from("127.0.0.6").newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + node.apiKey);
        if (origin != null) {
            b.header("Origin", origin);
        }
        try {
            WebSocket ws = b.buildAsync(uri, new WebSocket.Listener() {
            }).orTimeout(60, TimeUnit.SECONDS).join();
            ws.abort();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------ refused credentials

    @Test
    void fiftyWrongKeysFromOneAddressAre429WhileTheRightKeyFromAnotherIsServedAtOnce() {
        HttpClient attacker = from("127.0.0.2");
        HttpClient panel = from("127.0.0.1");
        int refused = 0;
        HttpResponse<String> last = null;
        for (int i = 0; i < 50; i++) {
            last = send(attacker, "GET", "/api/v1/servers", "Authorization", "Bearer " + ApiKey.generate());
            assertThat(last.statusCode()).isIn(401, 429);
            refused += last.statusCode() == 429 ? 1 : 0;
        }

        assertThat(last.statusCode()).isEqualTo(429);
        assertThat(refused).as("every attempt past the limit").isEqualTo(50 - 20);
        long retryAfter = Long.parseLong(last.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(last.body()).contains("too-many-auth-failures");
        assertThat(dev.raptor.api.testing.ApiExchanges.disagreements(new dev.raptor.api.testing.ApiExchanges.Exchange("http", "GET",
                "/api/v1/servers", "/api/v1/servers", 429, last.headers().firstValue("Content-Type").orElse(null), last.body())))
                .as("the 429 is the one openapi.json documents").isEmpty();
        HttpResponse<String> served = send(panel, "GET", "/api/v1/servers", "Authorization", "Bearer " + node.apiKey);
        assertThat(served.statusCode()).isEqualTo(200);
        HttpResponse<String> blocked = send(attacker, "GET", "/api/v1/servers", "Authorization", "Bearer " + node.apiKey);
        assertThat(blocked.statusCode()).as("a blocked address is not told which guess was right").isEqualTo(429);
        assertThat(node.unix().send("GET", "/api/v1/servers", null).status()).as("the Unix socket is never limited").isEqualTo(200);
        String metrics = send(panel, "GET", "/metrics", "Authorization", "Bearer " + node.apiKey).body();
        assertThat(metrics).containsPattern("raptor_auth_failures_total\\{transport=\"http\"} [1-9]")
                .containsPattern("raptor_auth_throttled_total\\{transport=\"http\"} [1-9]")
                .containsPattern("raptor_auth_blocked_addresses\\{transport=\"http\"} [1-9]");
    }

    @Test
    void aBlockedAddressIsAnswered429WithRetryAfterOnEveryRouteThatTakesCredentials() {
        HttpClient attacker = from("127.0.0.8");
        for (int i = 0; i < 20; i++) {
            send(attacker, "GET", "/api/v1/system", "Authorization", "Bearer " + ApiKey.generate());
        }
        List<String> answers = dev.raptor.api.testing.OpenApiSchemas.shipped().documentedAnswersWithBodies().stream()
                .filter(a -> a.endsWith(" 429")).toList();
        assertThat(answers).as("openapi.json documents the 429 of the routes that take credentials").hasSizeGreaterThan(10);

        for (String answer : answers) {
            String[] parts = answer.split(" ");
            String path = parts[1].replace("{id}", server).replace("{opId}", java.util.UUID.randomUUID().toString())
                    .replace("{username}", "admin");
            HttpRequest.Builder b = HttpRequest.newBuilder(node.uri(path)).timeout(TestNode.HANG).header("Authorization", "Bearer " + node.apiKey)
                    .header("Content-Type", "application/json").method(parts[0], HttpRequest.BodyPublishers.ofString("{}"));
            HttpResponse<String> r;
            try {
                r = attacker.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            dev.raptor.api.testing.ApiExchanges.answer("http", parts[0], path, r.statusCode(), r.headers().firstValue("Content-Type").orElse(null),
                    r.body());

            assertThat(r.statusCode()).as(answer + ": " + r.body()).isEqualTo(429);
            assertThat(r.headers().firstValue("Retry-After")).as(answer).isPresent();
        }
        assertThat(node.get("/api/v1/servers/" + server).status()).as("nothing ran: the server is still there").isEqualTo(200);
    }

    @Test
    void requestsWithoutCredentialsDoNotBlockTheirAddress() {
        HttpClient browser = from("127.0.0.3");
        for (int i = 0; i < 30; i++) {
            assertThat(send(browser, "GET", "/api/v1/servers").statusCode()).isEqualTo(401);
        }
        assertThat(send(browser, "GET", "/api/v1/servers", "Authorization", "Bearer " + node.apiKey).statusCode()).isEqualTo(200);
    }

    @Test
    void forwardedForIsIgnoredFromAPeerThatIsNotATrustedProxy() {
        HttpClient spoofer = from("127.0.0.4");
        for (int i = 0; i < 25; i++) {
            send(spoofer, "GET", "/api/v1/servers", "Authorization", "Bearer wrong-" + i, "X-Forwarded-For", "203.0.113." + i);
        }
        assertThat(send(spoofer, "GET", "/api/v1/servers", "Authorization", "Bearer " + node.apiKey).statusCode())
                .as("each request named another client, but the peer is what counts").isEqualTo(429);
    }
}
