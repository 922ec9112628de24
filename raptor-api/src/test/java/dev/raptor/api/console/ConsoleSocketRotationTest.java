package dev.raptor.api.console;

import dev.raptor.api.testing.TestEngine;
import dev.raptor.core.console.ConsoleSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.server.ServerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 22's acceptance, end to end: a chatty server's 200,000-line flood crosses several rotations of the
 * engine's 10 MiB json-file log (where Docker 20.10's own follow stream loses about a third of it) and
 * reaches a console WebSocket whole: every line, in order, exactly once, with no drop notice.
 */
class ConsoleSocketRotationTest {
    private static final int LINES = 200_000;
    /** 200,000 lines of 260 bytes are about 66 MB of json-file log: six rotations. */
    private static final String PAD = "x".repeat(245);

    @TempDir
    Path dir;

    @Test
    void aFloodAcrossSeveralLogRotationsReachesASocketEveryLineInOrderOnce() {
        // the socket's queue may hold the whole flood: this is about the engine's stream, not about a slow browser
        try (ConsoleNode node = new ConsoleNode(dir, ConsoleSettings.defaults().withQueueLines(LINES).withQueueBytes(512L << 20));
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build()) {
            UUID id = node.createServer(ServerSpec.builder(TestEngine.IMAGE).name("chatty")
                    .startup("echo Done!; read go; seq 1 " + LINES + " | sed 's/^/line /; s/$/ " + PAD + "/'; echo flood over; "
                            + "exec sleep 3600"), Map.of());
            node.power(id, PowerAction.START);
            SocketClient socket = SocketClient.connect(http, node.ws(id), node.apiKey, true, false);
            try {
                socket.await("auth success", ConsoleSocketTest.WAIT);
                await().atMost(ConsoleSocketTest.WAIT).until(() -> node.consoles.subscriberCount(id) == 1);

                socket.send("send command", "go");

                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() -> socket.floodLines() >= LINES);
                assertThat(socket.floodSequence()).as("every line once, in order").isEqualTo(IntStream.rangeClosed(1, LINES).toArray());
                assertThat(socket.events()).noneMatch(e -> e.event().equals("daemon message") && e.arg().contains("dropped"));
                // the engine's log rotated meanwhile: of about 66 MB it kept the last 3 x 10 MiB
                assertThat(node.consoles.tail(id, -1).stream().filter(l -> l.text().endsWith(PAD)).count())
                        .as("flood lines the rotated log still holds").isLessThan(LINES / 2);
            } finally {
                socket.close();
            }
        }
    }
}
