package dev.raptor.cli.api;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The quick GET of {@code raptorctl ps}: a plain JSON success is read, anything else is left to the full client. */
class SocketGetTest {
    private static final String LIST = "{\"servers\":[],\"count\":0}";

    @TempDir
    Path dir;

    @Test
    void aSuccessWithItsLengthIsTheBody() {
        assertThat(text(SocketGet.body(answer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + LIST.length()
                + "\r\n\r\n" + LIST)))).contains(LIST);
    }

    @Test
    void aChunkedSuccessIsJoinedUpToItsLastChunk() {
        String chunked = "HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "c\r\n{\"servers\":[\r\n" + "c;ext=1\r\n],\"count\":0}\r\n" + "0\r\n\r\n";
        assertThat(text(SocketGet.body(answer(chunked)))).contains(LIST);
    }

    @Test
    void aSuccessWithNeitherLengthNorChunksIsTheBodyUpToTheConnectionsEnd() {
        // what the daemon's Jetty sends for "Connection: close" once the answer outgrows its buffer
        assertThat(text(SocketGet.body(answer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n" + LIST))))
                .contains(LIST);
    }

    @Test
    void anythingButAWholeJsonSuccessIsLeftToTheClient() {
        String problem = "{\"title\":\"Unauthorized\"}";
        assertThat(SocketGet.body(answer("HTTP/1.1 401 Unauthorized\r\nContent-Type: application/problem+json\r\nContent-Length: "
                + problem.length() + "\r\n\r\n" + problem))).as("an error status").isEmpty();
        assertThat(SocketGet.body(answer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 99\r\n\r\n" + LIST)))
                .as("a body cut short").isEmpty();
        assertThat(SocketGet.body(answer("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nhi"))).as("not JSON").isEmpty();
        assertThat(SocketGet.body(answer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
                + "Content-Length: 2\r\n\r\nxx"))).as("an encoding it did not ask for").isEmpty();
        assertThat(SocketGet.body(answer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "c\r\n{\"servers\":[\r\n"))).as("chunks without the last").isEmpty();
        assertThat(SocketGet.body(answer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"))).as("no end of head").isEmpty();
    }

    @Test
    void itAsksOverARealSocketAndReadsTheAnswerToItsEnd() throws Exception {
        Path socket = dir.resolve("d.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            for (boolean onAThreadOfItsOwn : new boolean[]{false, true}) {
                CompletableFuture<String> request = CompletableFuture.supplyAsync(() -> serveOnce(server,
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + LIST.length() + "\r\n\r\n" + LIST));

                Optional<byte[]> body = onAThreadOfItsOwn ? SocketGet.ask(socket, "/servers", Duration.ofSeconds(30)).body()
                        : SocketGet.json(socket, "/servers", Duration.ofSeconds(30));

                assertThat(text(body)).as("asked on a thread of its own: %s", onAThreadOfItsOwn).contains(LIST);
                assertThat(request.get(30, TimeUnit.SECONDS)).startsWith("GET /api/v1/servers HTTP/1.1\r\n").contains("Connection: close\r\n");
            }
        }
    }

    @Test
    void aDaemonThatNeverAnswersIsGivenUpAfterTheBudgetAndSeesTheConnectionsEnd() throws Exception {
        Path socket = dir.resolve("silent.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            for (boolean onAThreadOfItsOwn : new boolean[]{false, true}) {
                CompletableFuture<Integer> requestBytesUntilTheEnd = CompletableFuture.supplyAsync(() -> readToTheEnd(server));

                Optional<byte[]> body = onAThreadOfItsOwn ? SocketGet.ask(socket, "/servers", Duration.ofMillis(300)).body()
                        : SocketGet.json(socket, "/servers", Duration.ofMillis(300));

                assertThat(body).as("asked on a thread of its own: %s", onAThreadOfItsOwn).isEmpty();
                // the waiter cuts the exchange at the budget: the connection is closed, not left open
                assertThat(requestBytesUntilTheEnd.get(30, TimeUnit.SECONDS)).as("the request, then the end of the connection").isPositive();
            }
        }
    }

    /** Accepts one connection and reads it to the client's end without answering; returns how many bytes came. */
    private static int readToTheEnd(ServerSocketChannel server) {
        try (SocketChannel c = server.accept()) {
            ByteBuffer in = ByteBuffer.allocate(4096);
            int total = 0;
            for (int n; (n = c.read(in)) >= 0; in.clear()) {
                total += n;
            }
            return total;
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    @Test
    void noSocketIsLeftToTheClient() throws InterruptedException {
        assertThat(SocketGet.json(dir.resolve("absent.sock"), "/servers", Duration.ofSeconds(30))).isEmpty();
        assertThat(SocketGet.ask(dir.resolve("absent.sock"), "/servers", Duration.ofSeconds(30)).body()).as("asked on a thread of its own").isEmpty();
    }

    private static String serveOnce(ServerSocketChannel server, String answer) {
        try (SocketChannel c = server.accept()) {
            ByteBuffer in = ByteBuffer.allocate(4096);
            StringBuilder request = new StringBuilder();
            while (!request.toString().contains("\r\n\r\n") && c.read(in) >= 0) {
                request.append(new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII));
                in.clear();
            }
            c.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
            return request.toString();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static byte[] answer(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Optional<String> text(Optional<byte[]> body) {
        return body.map(b -> new String(b, StandardCharsets.UTF_8));
    }
}
