package dev.raptor.bench.scenario;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The storm's default poller against a real loopback server that answers as scripted. */
class SocketPollerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** How the test server answers each request it reads: the bytes, written by {@code answer}, then whether to close. */
    private interface Answer {
        boolean write(OutputStream out, int request) throws IOException, InterruptedException;
    }

    /** A loopback HTTP server on a free port: each connection on its own thread, each request's head recorded. */
    private static final class Server implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<String> heads = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        private final Thread acceptor;

        Server(Answer answer) throws IOException {
            acceptor = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        Socket c = socket.accept();
                        connections.incrementAndGet();
                        Thread.ofPlatform().daemon().start(() -> serve(c, answer));
                    }
                } catch (IOException e) {
                    // closed
                }
            });
        }

        private void serve(Socket c, Answer answer) {
            try (c) {
                InputStream in = c.getInputStream();
                while (true) {
                    String head = readHead(in);
                    if (head == null) {
                        return;
                    }
                    heads.add(head);
                    if (answer.write(c.getOutputStream(), heads.size())) {
                        return;
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the client went away
            }
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                    return head.toString(StandardCharsets.ISO_8859_1);
                }
            }
            return null;
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            acceptor.join(TIMEOUT);
        }
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static void answer(OutputStream out, byte[] body, String extraHeaders) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: " + body.length
                + "\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    @Test
    void pollsReadTheWholeGzipAnswerOnOneKeptAliveConnectionAskingAsRaptorClientDoes() throws Exception {
        byte[] body = gzip("{\"servers\":[" + "{\"id\":\"x\"},".repeat(5000) + "{}]}"); // larger than one read
        try (Server server = new Server((out, n) -> {
            answer(out, body, "");
            return false;
        }); SocketPoller poller = new SocketPoller(server.port(), "key-1", TIMEOUT)) {
            assertThat(poller.poll()).isTrue();
            assertThat(poller.poll()).isTrue();
            assertThat(poller.poll()).isTrue();

            assertThat(server.connections.get()).isEqualTo(1);
            assertThat(server.heads).hasSize(3);
            assertThat(server.heads.getFirst()).startsWith("GET /api/v1/servers HTTP/1.1\r\n")
                    .contains("\r\nAuthorization: Bearer key-1\r\n", "\r\nAccept-Encoding: gzip\r\n",
                            "\r\nAccept: application/json, application/problem+json\r\n", "\r\nUser-Agent: raptor-client\r\n");
            assertThat(poller.lastAnswer()).isEqualTo(body.length + " bytes, gzip");
        }
    }

    @Test
    void aPollsDeadlineCoversTheWholeAnswerNotEachRead() throws Exception {
        byte[] body = gzip("{\"servers\":[]}");
        // the head at once, then the body a byte at a time, 150 ms apart: each read within the deadline, the answer not
        try (Server server = new Server((out, n) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            for (byte b : body) {
                Thread.sleep(150);
                out.write(b);
                out.flush();
            }
            return false;
        }); SocketPoller poller = new SocketPoller(server.port(), "k", Duration.ofMillis(600))) {
            assertThat(poller.poll()).as("an answer trickling in for %d x 150 ms is late for a 600 ms deadline", body.length).isFalse();
        }
    }

    @Test
    void anAnswerThatClosesItsConnectionIsFollowedByANewOne() throws Exception {
        assertTwoPollsOnTwoConnectionsWhenTheServerClosesAfterAnswering("Connection: close\r\n");
    }

    @Test
    void aKeptAliveConnectionTheServerClosedBetweenPollsIsOpenedAgainWithinThePoll() throws Exception {
        // answers as if it kept the connection, then closes it (an idle timeout between two polls)
        assertTwoPollsOnTwoConnectionsWhenTheServerClosesAfterAnswering("");
    }

    private static void assertTwoPollsOnTwoConnectionsWhenTheServerClosesAfterAnswering(String extraHeaders) throws Exception {
        byte[] body = gzip("{\"servers\":[]}");
        try (Server server = new Server((out, n) -> {
            answer(out, body, extraHeaders);
            return true;
        }); SocketPoller poller = new SocketPoller(server.port(), "k", TIMEOUT)) {
            assertThat(poller.poll()).isTrue();
            assertThat(poller.poll()).isTrue();
            assertThat(server.connections.get()).isEqualTo(2);
        }
    }

    @Test
    void anAnswerOtherThan200FailsThePoll() throws Exception {
        try (Server server = new Server((out, n) -> {
            out.write("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return false;
        }); SocketPoller poller = new SocketPoller(server.port(), "k", TIMEOUT)) {
            assertThatThrownBy(poller::poll).hasMessageContaining("401");
        }
    }
}
