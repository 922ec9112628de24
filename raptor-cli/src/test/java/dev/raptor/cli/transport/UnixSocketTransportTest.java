package dev.raptor.cli.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class UnixSocketTransportTest {

    @TempDir
    Path dir;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void contentLengthBodyIsReadExactly() throws Exception {
        try (var server = new TinyUnixServer(dir.resolve("d.sock"), (r, out) -> TinyUnixServer.json(out, 200, "{\"a\":\"é\"}"))) {
            DaemonResponse resp = new UnixSocketTransport(server.socket()).send(DaemonRequest.get("/api/v1/system"));
            assertThat(resp.status()).isEqualTo(200);
            assertThat(resp.contentType()).startsWith("application/json");
            assertThat(resp.bodyText()).isEqualTo("{\"a\":\"é\"}");
        }
    }

    @Test
    void requestCarriesMethodTargetHeadersAndBody() throws Exception {
        try (var server = new TinyUnixServer(dir.resolve("d.sock"), (r, out) -> out.write(ascii("HTTP/1.1 204 No Content\r\n\r\n")))) {
            DaemonRequest req = DaemonRequest.json("PATCH", "/api/v1/servers/x?apply=now", "{\"name\":\"b\"}")
                    .withHeader("If-Match", "\"3\"");
            DaemonResponse resp = new UnixSocketTransport(server.socket()).send(req);
            assertThat(resp.status()).isEqualTo(204);
            assertThat(resp.bodyText()).isEmpty();
            TinyUnixServer.Request seen = server.requests().getFirst();
            assertThat(seen.method()).isEqualTo("PATCH");
            assertThat(seen.target()).isEqualTo("/api/v1/servers/x?apply=now");
            assertThat(seen.headers()).containsEntry("if-match", "\"3\"").containsEntry("content-type", "application/json")
                    .containsEntry("host", "localhost").containsEntry("connection", "close");
            assertThat(seen.bodyText()).isEqualTo("{\"name\":\"b\"}");
        }
    }

    @Test
    void chunkedBodyIsDecodedWithExtensionsAndTrailers() throws Exception {
        try (var server = new TinyUnixServer(dir.resolve("d.sock"), (r, out) -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"));
            out.write(ascii("6;ext=1\r\nhello \r\n"));
            out.write(ascii("5\r\nworld\r\n"));
            out.write(ascii("0\r\nX-Trailer: yes\r\n\r\n"));
        })) {
            DaemonResponse resp = new UnixSocketTransport(server.socket()).send(DaemonRequest.get("/x"));
            assertThat(resp.bodyText()).isEqualTo("hello world");
        }
    }

    @Test
    void chunkedStreamDeliversEachLineAsItArrives() throws Exception {
        CountDownLatch firstRead = new CountDownLatch(1);
        try (var server = new TinyUnixServer(dir.resolve("d.sock"), (r, out) -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
            TinyUnixServer.chunk(out, "line 1\n");
            // the second chunk only comes once the client has shown it got the first: no buffering to the end
            if (!firstRead.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("client never read the first line");
            }
            TinyUnixServer.chunk(out, "line 2\n");
            out.write(ascii("0\r\n\r\n"));
        })) {
            DaemonResponse resp = new UnixSocketTransport(server.socket())
                    .send(DaemonRequest.get("/logs?follow=true").withReadTimeout(Duration.ZERO));
            try (var reader = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
                assertThat(reader.readLine()).isEqualTo("line 1");
                firstRead.countDown();
                assertThat(reader.readLine()).isEqualTo("line 2");
                assertThat(reader.readLine()).isNull();
            }
        }
    }

    @Test
    void bodyWithoutLengthEndsWithTheConnection() throws Exception {
        try (var server = new TinyUnixServer(dir.resolve("d.sock"), (r, out) ->
                out.write(ascii("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end")))) {
            assertThat(new UnixSocketTransport(server.socket()).send(DaemonRequest.get("/x")).bodyText()).isEqualTo("until the end");
        }
    }

    @Test
    void interimContinueIsSkipped() throws Exception {
        try (var server = new TinyUnixServer(dir.resolve("d.sock"), (r, out) -> {
            out.write(ascii("HTTP/1.1 100 Continue\r\n\r\n"));
            TinyUnixServer.json(out, 201, "{}");
        })) {
            DaemonResponse resp = new UnixSocketTransport(server.socket()).send(DaemonRequest.json("POST", "/x", "{}"));
            assertThat(resp.status()).isEqualTo(201);
            assertThat(resp.header("Content-Type")).hasValue("application/json");
        }
    }

    @Test
    void truncatedBodyIsAnErrorNotAShortAnswer() throws Exception {
        try (var server = new TinyUnixServer(dir.resolve("d.sock"), (r, out) ->
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")))) {
            DaemonResponse resp = new UnixSocketTransport(server.socket()).send(DaemonRequest.get("/x"));
            assertThatThrownBy(() -> resp.body().readAllBytes()).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void aDaemonThatNeverAnswersTimesOutInsteadOfHanging() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (var server = new TinyUnixServer(dir.resolve("d.sock"), (r, out) -> release.await(30, TimeUnit.SECONDS))) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> new UnixSocketTransport(server.socket())
                    .send(DaemonRequest.get("/x").withReadTimeout(Duration.ofMillis(300))))
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            release.countDown();
        }
    }

    @Test
    void closingAFollowedStreamWakesTheBlockedReader() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (var server = new TinyUnixServer(dir.resolve("d.sock"), (r, out) -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
            out.flush();
            release.await(30, TimeUnit.SECONDS);
        })) {
            DaemonResponse resp = new UnixSocketTransport(server.socket())
                    .send(DaemonRequest.get("/follow").withReadTimeout(Duration.ZERO));
            CompletableFuture<Integer> read = new CompletableFuture<>();
            Thread reader = Thread.ofPlatform().name("follow-reader").start(() -> {
                try {
                    read.complete(resp.body().read());
                } catch (IOException e) {
                    read.complete(-2); // a reader may also learn of the close as an error; it must not hang
                } catch (Throwable t) {
                    read.completeExceptionally(t);
                }
            });
            await("the reader blocked, waiting for the daemon").atMost(Duration.ofSeconds(10)).until(() -> waitingForTheDaemon(reader));

            resp.close();

            assertThat(read.get(5, TimeUnit.SECONDS)).isNegative();
            release.countDown();
        }
    }

    /** True while {@code reader} is blocked in the transport's select, waiting for the daemon's next bytes. */
    private static boolean waitingForTheDaemon(Thread reader) {
        StackTraceElement[] stack = reader.getStackTrace();
        return stack.length > 0 && stack[0].isNativeMethod() && Arrays.stream(stack).anyMatch(f ->
                f.getClassName().equals(SocketChannelIo.class.getName()) && f.getMethodName().equals("await"));
    }

    @Test
    void aMissingSocketIsUnreachable() {
        var transport = new UnixSocketTransport(dir.resolve("nothing.sock"));
        assertThatThrownBy(() -> transport.send(DaemonRequest.get("/x")))
                .isInstanceOf(DaemonUnreachableException.class)
                .hasMessageContaining("no such socket").hasMessageContaining("nothing.sock");
    }

    @Test
    void aStaleSocketFileWithNobodyListeningIsUnreachable() throws Exception {
        Path stale = dir.resolve("stale.sock");
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(stale));
        s.close(); // the file stays, nobody listens
        assertThatThrownBy(() -> new UnixSocketTransport(stale).send(DaemonRequest.get("/x")))
                .isInstanceOf(DaemonUnreachableException.class)
                .hasMessageContaining("cannot reach the daemon");
    }

    @Test
    void headersAreCaseInsensitiveAndRepeatable() throws Exception {
        try (var server = new TinyUnixServer(dir.resolve("d.sock"), (r, out) ->
                out.write(ascii("HTTP/1.1 200 OK\r\nX-A: 1\r\nx-a: 2\r\nCONTENT-LENGTH: 0\r\n\r\n")))) {
            DaemonResponse resp = new UnixSocketTransport(server.socket()).send(DaemonRequest.get("/x"));
            assertThat(resp.headers().get("x-a")).containsExactly("1", "2");
            assertThat(resp.bodyText()).isEmpty();
        }
    }

    @Test
    void aGarbageAnswerIsAnErrorNamingIt() throws Exception {
        try (var server = new TinyUnixServer(dir.resolve("d.sock"), (r, out) -> out.write(ascii("SSH-2.0-OpenSSH\r\n")))) {
            assertThatThrownBy(() -> new UnixSocketTransport(server.socket()).send(DaemonRequest.get("/x")))
                    .isInstanceOf(IOException.class).hasMessageContaining("not an HTTP/1.x answer");
        }
    }

    @Test
    void requestHeadRejectsHeaderInjection() {
        DaemonRequest bad = new DaemonRequest("GET", "/x", Map.of("X-Evil", "a\r\nInjected: 1"), null, null);
        assertThatThrownBy(() -> Http1.requestHead(bad, "localhost")).isInstanceOf(IllegalArgumentException.class);
    }
}
