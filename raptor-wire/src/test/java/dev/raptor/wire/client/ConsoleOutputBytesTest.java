package dev.raptor.wire.client;

import dev.raptor.wire.console.SocketMessage;
import dev.raptor.wire.testing.CannedDaemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A console socket read as bytes ({@link ConsoleWebSocket.OutputBytes}) against a canned daemon that writes its frames in
 * pieces, as a loaded machine's socket reads bring them: the client hands a frame over in parts (Jetty's
 * auto-fragmentation), so a message's first part can be shorter than the prefix that tells console output apart. A
 * benchmark's reader once took such a message for another kind and lost its lines without a word.
 */
class ConsoleOutputBytesTest {
    private static final String SERVER = "3f9c2d1e-1111-4000-8000-000000000001";
    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    @TempDir
    Path dir;

    private RaptorClient client;
    private final CountDownLatch done = new CountDownLatch(1);

    @AfterEach
    void end() {
        done.countDown();
        if (client != null) {
            client.close();
        }
    }

    /** What an {@link ConsoleWebSocket.OutputBytes} listener was handed: each output message's bytes, and the parsed rest. */
    private static final class Reader implements ConsoleWebSocket.OutputBytes {
        final List<String> output = new CopyOnWriteArrayList<>();
        final List<SocketMessage> parsed = new CopyOnWriteArrayList<>();
        private final ByteArrayOutputStream message = new ByteArrayOutputStream();
        private boolean start = true;

        @Override
        public void onOutputFrame(ByteBuffer json, boolean last) {
            if (start) {
                assertThat(json.remaining()).as("the first part holds the prefix").isGreaterThanOrEqualTo(OUTPUT_PREFIX.length());
            }
            byte[] b = new byte[json.remaining()];
            json.get(b);
            message.writeBytes(b);
            start = last;
            if (last) {
                output.add(message.toString(StandardCharsets.UTF_8));
                message.reset();
            }
        }

        @Override
        public void onMessage(SocketMessage m) {
            parsed.add(m);
        }
    }

    @Test
    void aMessageWhoseFirstPartIsShorterThanThePrefixIsStillOutputAndAShortOtherMessageIsStillParsed() throws Exception {
        String first = SocketMessage.of(SocketMessage.CONSOLE_OUTPUT, "line 1\nline 2").toJson();
        String status = SocketMessage.of(SocketMessage.STATUS, "running").toJson();
        String second = SocketMessage.of(SocketMessage.CONSOLE_OUTPUT, "line 3").toJson();
        try (var daemon = new CannedDaemon(dir.resolve("d.sock"), (r, out) -> {
            upgrade(r, out);
            // each piece its own write, with a pause, so that the client's reads bring them apart (deliberate pacing)
            byte[] a = textFrame(first);
            piece(out, a, 0, 2 + 3);         // the header and 3 bytes of the prefix
            piece(out, a, 2 + 3, a.length);  // the rest
            byte[] b = textFrame(status);
            piece(out, b, 0, 2 + 5);         // a message that is not output, cut inside what could be the prefix
            piece(out, b, 2 + 5, b.length);
            byte[] c = textFrame(second);
            piece(out, c, 0, c.length);      // whole: the usual case
            done.await(30, TimeUnit.SECONDS);
        })) {
            client = RaptorClient.builder().unixSocket(daemon.socket()).requestTimeout(Duration.ofSeconds(5)).build();
            Reader reader = new Reader();
            try (ConsoleWebSocket socket = client.server(SERVER).console(reader)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> reader.output.size() == 2);
                assertThat(reader.output).containsExactly(first, second);
                assertThat(reader.parsed).extracting(SocketMessage::event).containsExactly(SocketMessage.STATUS);
                assertThat(reader.parsed.getFirst().arg()).contains("running");
            }
        }
    }

    /** Writes bytes {@code from} to {@code to} of {@code frame}, then pauses so that the client reads them alone. */
    private static void piece(OutputStream out, byte[] frame, int from, int to) throws IOException, InterruptedException {
        out.write(frame, from, to - from);
        out.flush();
        Thread.sleep(150); // deliberate pacing: the next piece must come in a later read
    }

    /** An unmasked, final text frame (the daemon's side), for payloads under 64 KiB. */
    private static byte[] textFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x81);
        if (payload.length < 126) {
            f.write(payload.length);
        } else {
            f.write(126);
            f.write(payload.length >> 8);
            f.write(payload.length & 0xff);
        }
        f.writeBytes(payload);
        return f.toByteArray();
    }

    private static void upgrade(CannedDaemon.Request r, OutputStream out) throws Exception {
        assertThat(r.target()).isEqualTo("/api/v1/servers/" + SERVER + "/ws");
        String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                .digest((r.headers().get("sec-websocket-key") + WEBSOCKET_GUID).getBytes(StandardCharsets.ISO_8859_1)));
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + accept + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}
