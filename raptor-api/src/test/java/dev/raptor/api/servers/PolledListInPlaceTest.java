package dev.raptor.api.servers;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.raptor.api.testing.KeptAliveHttp;
import dev.raptor.api.testing.RawHttp;
import dev.raptor.api.testing.TestNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ordinary poll of {@code GET /servers} answered where Jetty read it ({@link PolledListInPlace}) gives exactly the
 * routes' answer (status, headers, bytes, plain and gzip, on one keep-alive connection), is counted in the request
 * metrics like the routes' answers, and every other poll (no key, a wrong one, a browser's, a filter, a method override)
 * is left to the routes, which answer it as before. Which way a poll went is read off the in-place answer's debug line.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PolledListInPlaceTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger(PolledListInPlace.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private Level levelBefore;

    @BeforeEach
    void listen() {
        levelBefore = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(lines);
        logger.setLevel(levelBefore);
    }

    private long answeredInPlace() {
        synchronized (lines) { // AppenderBase appends under the appender's lock; the selector threads append while the test reads
            return lines.list.stream().filter(e -> e.getFormattedMessage().contains("(answered in place)")).count();
        }
    }

    /**
     * Waits until {@code n} polls were answered in place: the line is logged once the answer is handed to Jetty, so the
     * client may have read the answer a moment before.
     */
    private void awaitAnsweredInPlace(long n) {
        await().atMost(TestNode.HANG).until(() -> answeredInPlace() >= n);
        assertThat(answeredInPlace()).isEqualTo(n);
    }

    @Test
    void theOrdinaryPollIsAnsweredInPlaceWithExactlyTheRoutesAnswer(@TempDir Path dir) throws Exception {
        try (TestNode node = TestNode.onFakeEngine(dir);
             Socket socket = new Socket("127.0.0.1", node.api.port())) {
            socket.setSoTimeout((int) TestNode.HANG.toMillis()); // only catches a hang
            // more than Jetty's 32 KiB output buffer, and large enough to be compressed
            for (int i = 0; i < 50; i++) {
                TestNode.Res created = node.post("/api/v1/servers", TestNode.gameServer("in-place-" + i, 0));
                assertThat(created.status()).as(created.toString()).isEqualTo(201);
            }
            String key = "Authorization: Bearer " + node.apiKey + "\r\n";
            for (boolean gzip : new boolean[]{false, true, false, true}) {
                String headers = key + (gzip ? "Accept-Encoding: gzip\r\n" : "");
                long before = answeredInPlace();
                KeptAliveHttp.Answer inPlace = KeptAliveHttp.get(socket, "/api/v1/servers", headers);
                awaitAnsweredInPlace(before + 1);
                // a query the list ignores: the same list, answered by the routes through Javalin
                KeptAliveHttp.Answer routes = KeptAliveHttp.get(socket, "/api/v1/servers?unfiltered", headers);
                // the next poll on the connection: had the one with the query been answered in place, its line came first
                KeptAliveHttp.get(socket, "/api/v1/servers", headers);
                awaitAnsweredInPlace(before + 2);

                assertThat(inPlace.status()).isEqualTo(200).isEqualTo(routes.status());
                assertThat(inPlace.headers()).containsKey("date");
                assertThat(withoutDate(inPlace.headers())).as("gzip=%s", gzip).isEqualTo(withoutDate(routes.headers()))
                        .containsEntry("content-type", "application/json").containsEntry("vary", "Accept-Encoding")
                        .containsEntry("content-length", Integer.toString(inPlace.body().length))
                        .doesNotContainKey("transfer-encoding");
                assertThat(inPlace.body()).as("gzip=%s", gzip).isEqualTo(routes.body());
                String json = new String(gzip ? KeptAliveHttp.gunzip(inPlace.body()) : inPlace.body(), StandardCharsets.UTF_8);
                assertThat(json).contains("\"count\":50").contains("in-place-49");
                if (gzip) {
                    assertThat(inPlace.headers()).containsEntry("content-encoding", "gzip");
                } else {
                    assertThat(json.length()).isGreaterThan(32 * 1024);
                }
            }

            // a change shows in the next poll answered in place
            String id = node.post("/api/v1/servers", TestNode.gameServer("in-place-new", 0)).json().get("id").asText();
            long before = answeredInPlace();
            String after = new String(KeptAliveHttp.get(socket, "/api/v1/servers", key).body(), StandardCharsets.UTF_8);
            awaitAnsweredInPlace(before + 1);
            assertThat(after).contains("\"count\":51").contains(id);

            // counted like the routes' answers: one series per route and status, and the wait before the handler
            String metrics = node.get("/metrics").body();
            assertThat(metrics).containsPattern("raptor_api_requests_seconds_count\\{method=\"GET\",route=\"/api/v1/servers\","
                    + "status=\"200\"} ([1-9][0-9]+)")
                    .containsPattern("raptor_api_request_wait_seconds_count\\{method=\"GET\",route=\"/api/v1/servers\"} [1-9]");
        }
    }

    @Test
    void theUnixSocketsPollIsAnsweredInPlaceWithoutAKey(@TempDir Path dir) {
        try (TestNode node = TestNode.onFakeEngine(dir)) {
            node.create(TestNode.gameServer("over-the-socket", 0));
            long before = answeredInPlace();
            RawHttp.Response r = node.unix().send("GET", "/api/v1/servers", null);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.body()).contains("over-the-socket");
            awaitAnsweredInPlace(before + 1);
        }
    }

    @Test
    void everyOtherPollIsLeftToTheRoutesWhichAnswerItAsBefore(@TempDir Path dir) {
        try (TestNode node = TestNode.onFakeEngine(dir)) {
            node.create(TestNode.gameServer("left-to-the-routes", 0));
            RawHttp tcp = RawHttp.tcp("127.0.0.1", node.api.port());
            String bearer = "Bearer " + node.apiKey;

            RawHttp.Response none = tcp.send("GET", "/api/v1/servers", null);
            assertThat(none.status()).as(none.toString()).isEqualTo(401);
            assertThat(none.header("content-type")).startsWith("application/problem+json");
            RawHttp.Response wrong = tcp.send("GET", "/api/v1/servers", null, "Authorization", "Bearer " + "x".repeat(40));
            assertThat(wrong.status()).as(wrong.toString()).isEqualTo(401);
            assertThat(wrong.json().get("detail").asText()).isEqualTo(dev.raptor.api.auth.Authenticator.REFUSED);
            RawHttp.Response basic = tcp.send("GET", "/api/v1/servers", null, "Authorization", "Basic " + node.apiKey);
            assertThat(basic.status()).as(basic.toString()).isEqualTo(401);
            RawHttp.Response browser = tcp.send("GET", "/api/v1/servers", null, "Authorization", bearer, "Origin", "http://elsewhere.example");
            assertThat(browser.status()).as("a page of an origin not allowed: " + browser).isEqualTo(403);
            assertThat(browser.header("vary")).contains("Origin");
            RawHttp.Response override = tcp.send("GET", "/api/v1/servers", null, "Authorization", bearer, "X-HTTP-Method-Override", "DELETE");
            assertThat(override.status()).as(override.toString()).isEqualTo(400);
            RawHttp.Response filtered = tcp.send("GET", "/api/v1/servers?state=running", null, "Authorization", bearer);
            assertThat(filtered.status()).as(filtered.toString()).isEqualTo(200);
            assertThat(filtered.json().get("count").asInt()).as("no server runs").isZero();

            long before = answeredInPlace();
            RawHttp.Response ordinary = tcp.send("GET", "/api/v1/servers", null, "Authorization", bearer);
            assertThat(ordinary.status()).isEqualTo(200);
            assertThat(ordinary.json().get("count").asInt()).isEqualTo(1);
            // the ordinary poll's line came after every line of the polls above: none of them was answered in place
            awaitAnsweredInPlace(before + 1);
            assertThat(before).as("polls answered in place before the ordinary one").isZero();
        }
    }

    private static Map<String, String> withoutDate(Map<String, String> headers) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.remove("date");
        return copy;
    }
}
