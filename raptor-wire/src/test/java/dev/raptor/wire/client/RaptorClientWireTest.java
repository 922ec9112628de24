package dev.raptor.wire.client;

import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.server.ServerPatch;
import dev.raptor.wire.testing.CannedDaemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What {@link RaptorClient} puts on the wire and how it reads what comes back, against a canned daemon
 * that answers byte by byte: the faults a real daemon does not make on purpose (a body cut short, an
 * answer that never comes, garbage, a proxy's HTML error) and the stream framing of a followed log. The
 * client against the real API is raptor-api's {@code RaptorClientTest}.
 */
class RaptorClientWireTest {
    private static final String SERVER = "3f9c2d1e-1111-4000-8000-000000000001";

    @TempDir
    Path dir;

    private RaptorClient client;

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    private RaptorClient client(CannedDaemon daemon) {
        client = RaptorClient.builder().unixSocket(daemon.socket()).requestTimeout(Duration.ofSeconds(5)).build();
        return client;
    }

    private static void write(OutputStream out, String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Test
    void aPatchCarriesTheMergePatchTypeTheVersionAndTheBody() throws Exception {
        try (var daemon = new CannedDaemon(dir.resolve("d.sock"), (r, out) -> CannedDaemon.json(out, 200, serverDocument()))) {
            client(daemon).server(SERVER).patch(ServerPatch.of().with("name", "b").without("readyPattern"), 3);
            CannedDaemon.Request seen = daemon.requests().getFirst();
            assertThat(seen.method()).isEqualTo("PATCH");
            assertThat(seen.target()).isEqualTo("/api/v1/servers/" + SERVER);
            assertThat(seen.headers()).containsEntry("if-match", "\"3\"").containsEntry("content-type", "application/merge-patch+json");
            assertThat(seen.bodyText()).isEqualTo("{\"name\":\"b\",\"readyPattern\":null}");
        }
    }

    @Test
    void overHttpEveryRequestCarriesTheCredential() throws Exception {
        try (var daemon = new CannedDaemon(dir.resolve("d.sock"), (r, out) -> CannedDaemon.json(out, 200, serverDocument()))) {
            client = RaptorClient.builder().unixSocket(daemon.socket()).credential("  the-key ").build();
            client.server(SERVER).get();
            assertThat(daemon.requests().getFirst().headers()).containsEntry("authorization", "Bearer the-key");
        }
    }

    @Test
    void anErrorAnswerIsTheDaemonsProblemWithItsFieldErrors() throws Exception {
        try (var daemon = new CannedDaemon(dir.resolve("d.sock"), (r, out) -> CannedDaemon.json(out, 400, """
                {"type":"urn:raptor:problem:validation","title":"Invalid request","status":400,"detail":"1 field is invalid",
                 "errors":[{"field":"limits.memoryMiB","message":"must be at least 6"}],"somethingNew":true}"""))) {
            assertThatThrownBy(() -> client(daemon).server(SERVER).get())
                    .isInstanceOfSatisfying(RaptorProblemException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.typed()).isTrue();
                        assertThat(e.problem().slug()).isEqualTo("validation");
                        assertThat(e.problem().errors()).singleElement()
                                .satisfies(f -> assertThat(f.field()).isEqualTo("limits.memoryMiB"));
                    });
        }
    }

    @Test
    void anErrorAnswerThatIsNoProblemKeepsItsText() throws Exception {
        try (var daemon = new CannedDaemon(dir.resolve("d.sock"), (r, out) ->
                write(out, "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: 22\r\n\r\nBad gateway from proxy"))) {
            assertThatThrownBy(() -> client(daemon).system())
                    .isInstanceOfSatisfying(RaptorProblemException.class, e -> {
                        assertThat(e.typed()).isFalse();
                        assertThat(e.problem().type()).isEqualTo("about:blank");
                        assertThat(e.problem().title()).isEqualTo("Bad Gateway");
                        assertThat(e.problem().detail()).isEqualTo("Bad gateway from proxy");
                    });
        }
    }

    @Test
    void aDaemonThatNeverAnswersTimesOutInsteadOfHanging() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (var daemon = new CannedDaemon(dir.resolve("d.sock"), (r, out) -> release.await(30, TimeUnit.SECONDS))) {
            client = RaptorClient.builder().unixSocket(daemon.socket()).requestTimeout(Duration.ofMillis(300)).build();
            assertThatThrownBy(() -> client.system())
                    .isInstanceOfSatisfying(RaptorIoException.class, e -> assertThat(e.timedOut()).isTrue())
                    .hasMessageContaining("did not answer GET /api/v1/system within 300 ms");
            release.countDown();
        }
    }

    @Test
    void aRequestAllowedLongerThanTheRequestTimeoutIsNotCutByTheConnectionsIdleTimeout() throws Exception {
        // a power action waiting for its outcome: the daemon says nothing until it has one, here 3 s
        try (var daemon = new CannedDaemon(dir.resolve("d.sock"), (r, out) -> {
            Thread.sleep(3_000); // the silence under test; the client must wait through it
            CannedDaemon.json(out, 200, operationDocument());
        })) {
            client = RaptorClient.builder().unixSocket(daemon.socket()).requestTimeout(Duration.ofMillis(500)).build();

            OperationDocument done = client.server(SERVER).power("start", Duration.ofSeconds(60));

            assertThat(done.status()).isEqualTo("done");
        }
    }

    @Test
    void aTruncatedAnswerIsABrokenExchangeNotAShortDocument() throws Exception {
        try (var daemon = new CannedDaemon(dir.resolve("d.sock"), (r, out) ->
                write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"servers\""))) {
            assertThatThrownBy(() -> client(daemon).servers().list())
                    .isInstanceOfSatisfying(RaptorIoException.class, e -> assertThat(e.timedOut()).isFalse());
        }
    }

    @Test
    void aGarbageAnswerIsABrokenExchange() throws Exception {
        try (var daemon = new CannedDaemon(dir.resolve("d.sock"), (r, out) -> write(out, "SSH-2.0-OpenSSH\r\n"))) {
            assertThatThrownBy(() -> client(daemon).system()).isInstanceOf(RaptorIoException.class);
        }
    }

    @Test
    void aListPassedOnUnreadIsTheDaemonsBytes() throws Exception {
        String body = "{\"servers\":[],\"count\":0}";
        try (var daemon = new CannedDaemon(dir.resolve("d.sock"), (r, out) -> CannedDaemon.json(out, 200, body))) {
            assertThat(new String(client(daemon).servers().listJson(ServerQuery.all().state("running")), StandardCharsets.UTF_8))
                    .isEqualTo(body);
            assertThat(daemon.requests().getFirst().target()).isEqualTo("/api/v1/servers?state=running");
        }
    }

    @Test
    void anAnswerThatIsNotTheDocumentSaysWhichItShouldHaveBeen() throws Exception {
        try (var daemon = new CannedDaemon(dir.resolve("d.sock"), (r, out) -> CannedDaemon.json(out, 200, "[1, 2]"))) {
            assertThatThrownBy(() -> client(daemon).servers().list())
                    .isInstanceOf(RaptorIoException.class).hasMessageContaining("not a ServerList document");
        }
    }

    @Test
    void aFollowedLogDeliversEachLineAsItArrives() throws Exception {
        CountDownLatch firstRead = new CountDownLatch(1);
        try (var daemon = new CannedDaemon(dir.resolve("d.sock"), (r, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n");
            CannedDaemon.chunk(out, "line 1\n");
            // the second line only comes once the client has shown it got the first: nothing is held back
            if (!firstRead.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError("the client never read the first line");
            }
            CannedDaemon.chunk(out, "line 2\n");
            write(out, "0\r\n\r\n");
        })) {
            try (LogStream logs = client(daemon).server(SERVER).followLogs(5)) {
                assertThat(logs.readLine()).isEqualTo("line 1");
                firstRead.countDown();
                assertThat(logs.readLine()).isEqualTo("line 2");
                assertThat(logs.readLine()).isNull();
            }
            assertThat(daemon.requests().getFirst().target()).isEqualTo("/api/v1/servers/" + SERVER + "/logs?follow=true&tail=5");
        }
    }

    @Test
    void closingAFollowedLogWakesTheBlockedReader() throws Exception {
        // the daemon stays silent past the read's hang deadline: only the close can end the read before it
        Duration hang = Duration.ofSeconds(60);
        CountDownLatch release = new CountDownLatch(1);
        try (var daemon = new CannedDaemon(dir.resolve("d.sock"), (r, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n");
            release.await(hang.multipliedBy(2).toSeconds(), TimeUnit.SECONDS);
        })) {
            LogStream logs = client(daemon).server(SERVER).followLogs(null);
            CompletableFuture<String> read = new CompletableFuture<>();
            Thread reader = Thread.ofPlatform().name("follow-reader").start(() -> {
                try {
                    read.complete(logs.readLine());
                } catch (IOException e) {
                    read.complete("ended: " + e.getClass().getSimpleName()); // learning of the close as an error is fine
                }
            });
            await("the reader waits for the daemon").atMost(hang)
                    .until(() -> reader.getState() == Thread.State.WAITING || reader.getState() == Thread.State.TIMED_WAITING);

            logs.close();

            assertThat(read.get(hang.toSeconds(), TimeUnit.SECONDS)).satisfiesAnyOf(
                    line -> assertThat(line).isNull(), line -> assertThat(line).startsWith("ended: "));
            release.countDown();
        }
    }

    @Test
    void aFollowTheDaemonRefusesIsItsProblem() throws Exception {
        try (var daemon = new CannedDaemon(dir.resolve("d.sock"), (r, out) -> CannedDaemon.json(out, 404,
                "{\"type\":\"urn:raptor:problem:server-not-found\",\"title\":\"Server not found\",\"status\":404}"))) {
            assertThatThrownBy(() -> client(daemon).server(SERVER).followLogs(null))
                    .isInstanceOfSatisfying(RaptorProblemException.class, e -> assertThat(e.problem().slug()).isEqualTo("server-not-found"));
        }
    }

    @Test
    void aMissingSocketIsUnreachable() {
        client = RaptorClient.overUnixSocket(dir.resolve("nothing.sock"));
        assertThatThrownBy(() -> client.system())
                .isInstanceOfSatisfying(RaptorUnreachableException.class,
                        e -> assertThat(e.endpoint()).isEqualTo(new DaemonEndpoint.UnixSocket(dir.resolve("nothing.sock"))))
                .hasMessageContaining("cannot reach the daemon at unix://" + dir.resolve("nothing.sock"))
                .hasMessageContaining("no such socket");
    }

    @Test
    void aStaleSocketFileWithNobodyListeningIsUnreachable() throws Exception {
        Path stale = dir.resolve("stale.sock");
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(stale));
        s.close(); // the file stays, nobody listens
        client = RaptorClient.overUnixSocket(stale);
        assertThatThrownBy(() -> client.servers().list())
                .isInstanceOf(RaptorUnreachableException.class).hasMessageContaining("cannot reach the daemon");
    }

    @Test
    void aTcpPortNobodyListensOnIsUnreachable() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        client = RaptorClient.overHttp(java.net.URI.create("http://127.0.0.1:" + port), "key");
        assertThatThrownBy(() -> client.system()).isInstanceOf(RaptorUnreachableException.class);
    }

    private static String operationDocument() {
        return """
                {"id":"op-1","href":"/api/v1/operations/op-1","serverId":"%s","kind":"power","action":"start","status":"done",
                 "createdAt":"2026-12-05T10:00:00Z","finishedAt":"2026-12-05T10:00:03Z","state":"running"}""".formatted(SERVER);
    }

    private static String serverDocument() {
        return """
                {"id":"%s","name":"lobby","image":"raptor-test/gameserver:1","state":"offline","desiredState":"stopped",
                 "version":4,"createdAt":"2025-03-14T10:15:02Z","updatedAt":"2025-03-14T10:15:02Z","crashLoop":false,
                 "lastError":null,"containerId":null,"startedAt":null,"busyWith":null}""".formatted(SERVER);
    }
}
