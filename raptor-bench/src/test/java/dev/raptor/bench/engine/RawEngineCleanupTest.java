package dev.raptor.bench.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harness's cleanup against an engine that stops answering (Docker 20.10's network controller deadlocked after a
 * storm: every removal then waits for good). An engine stands in on a Unix socket: it lists two containers of the run,
 * removes the first and never answers the removal of the second. The cleanup must come back once no removal has been
 * done for its stall window (here 2 s), long before the client's own two-minute response timeout, and say what is left.
 */
class RawEngineCleanupTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(60) // under the client's 2 min response timeout: a cleanup that waits for the silent removal fails here
    void aRemovalTheEngineNeverAnswersEndsTheCleanupAfterTheStallWindowSayingWhatIsLeft() throws Exception {
        Path socket = dir.resolve("docker.sock");
        List<String> requests = new CopyOnWriteArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread.ofVirtual().start(() -> serve(server, requests));
            PrintStream err = System.err;
            ByteArrayOutputStream said = new ByteArrayOutputStream();
            int removed;
            try (RawEngine engine = new RawEngine("unix://" + socket, "bench-cleanup-test")) {
                System.setErr(new PrintStream(said, true, StandardCharsets.UTF_8));
                try {
                    removed = engine.removeOurs(Duration.ofSeconds(2));
                } finally {
                    System.setErr(err);
                }
            }
            assertThat(removed).as("the one the engine removed").isEqualTo(1);
            assertThat(requests).anyMatch(r -> r.startsWith("DELETE /v1.41/containers/silent"));
            assertThat(said.toString(StandardCharsets.UTF_8))
                    .contains("answered none of the removals of the last 1 containers in 2 s")
                    .contains("label=dev.raptor.node=bench-cleanup-test");
        }
    }

    /** Each connection on a thread of its own: the list and the first removal answered, the second never. */
    private static void serve(ServerSocketChannel server, List<String> requests) {
        while (server.isOpen()) {
            try {
                SocketChannel c = server.accept();
                Thread.ofVirtual().start(() -> answer(c, requests));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void answer(SocketChannel c, List<String> requests) {
        try (c) {
            StringBuilder head = new StringBuilder();
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (true) {
                while (head.indexOf("\r\n\r\n") < 0) {
                    in.clear();
                    if (c.read(in) < 0) {
                        return;
                    }
                    head.append(new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1));
                }
                int end = head.indexOf("\r\n\r\n") + 4;
                String request = head.substring(0, head.indexOf("\r\n"));
                head.delete(0, end);
                requests.add(request);
                String answer;
                if (request.startsWith("GET ") && request.contains("/containers/json")) {
                    String body = "[{\"Id\":\"removable\",\"Names\":[\"/a\"]},{\"Id\":\"silent\",\"Names\":[\"/b\"]}]";
                    answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
                } else if (request.startsWith("DELETE ") && request.contains("/containers/removable")) {
                    answer = "HTTP/1.1 204 No Content\r\n\r\n";
                } else if (request.startsWith("DELETE ")) {
                    // the wedged engine: the connection stays open, the answer never comes (until the test ends)
                    ByteBuffer more = ByteBuffer.allocate(512);
                    while (c.read(more.clear()) >= 0) {
                        requests.add("(more bytes on the silent removal's connection)");
                    }
                    return;
                } else {
                    answer = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
                }
                c.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
            }
        } catch (IOException gone) {
            // the client closed the connection
        }
    }
}
