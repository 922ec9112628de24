package dev.raptor.api.http;

import dev.raptor.api.testing.KeptAliveHttp;
import dev.raptor.api.testing.TestNode;
import io.javalin.compression.Compressor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /servers} as a polling panel sees it on one real keep-alive connection: every answer has an exact
 * {@code Content-Length} (no chunks), a client that accepts gzip gets gzip that decodes to exactly the plain answer,
 * an unchanged list is compressed once and sent again from the kept bytes, and a change shows in the next poll.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PolledAnswerTest {

    @Test
    void pollsOnOneConnectionGetExactLengthsAndGzipThatDecodesToThePlainListFollowingEveryChange(@TempDir Path dir) throws Exception {
        try (TestNode node = TestNode.onFakeEngine(dir);
             Socket socket = new Socket("127.0.0.1", node.api.port())) {
            socket.setSoTimeout((int) TestNode.HANG.toMillis()); // only catches a hang
            String id = null;
            // more than Jetty's 32 KiB output buffer: a smaller answer fits it whole, and Jetty sets the length itself
            for (int i = 0; i < 50; i++) {
                TestNode.Res created = node.post("/api/v1/servers", TestNode.gameServer("polled-" + i, 0));
                assertThat(created.status()).as(created.toString()).isEqualTo(201);
                id = created.json().get("id").asText();
            }
            KeptAliveHttp.Answer plain = null;
            for (int i = 0; i < 20; i++) { // one connection all along: each answer must end where its length says
                boolean gzip = i % 2 == 0;
                KeptAliveHttp.Answer a = get(socket, node.apiKey, gzip);
                assertThat(a.status()).isEqualTo(200);
                assertThat(a.headers()).as("answer %d's headers", i).containsKey("content-length").doesNotContainKey("transfer-encoding")
                        .containsEntry("vary", "Accept-Encoding"); // both answers: a cache must not serve one for the other
                if (gzip) {
                    assertThat(a.headers()).containsEntry("content-encoding", "gzip");
                    assertThat(gunzip(a.body())).as("the gzip answer decoded").isEqualTo(get(socket, node.apiKey, false).body());
                } else {
                    assertThat(a.headers()).doesNotContainKey("content-encoding");
                    plain = a;
                }
            }
            assertThat(plain.body().length).as("the plain list's size").isGreaterThan(32 * 1024);
            TestNode.Res patched = node.send("PATCH", "/api/v1/servers/" + id, "{\"environment\": {\"BOOT_DELAY\": \"9\"}}",
                    "Authorization", "Bearer " + node.apiKey);
            assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
            String after = new String(gunzip(get(socket, node.apiKey, true).body()), StandardCharsets.UTF_8);
            assertThat(after).as("the list after a change, compressed").contains("\"BOOT_DELAY\":\"9\"")
                    .isEqualTo(new String(get(socket, node.apiKey, false).body(), StandardCharsets.UTF_8));
            assertThat(new String(plain.body(), StandardCharsets.UTF_8)).doesNotContain("\"BOOT_DELAY\":\"9\"");
        }
    }

    @Test
    void anUnchangedAnswerIsCompressedOnceAndAChangedOneAgain() throws Exception {
        PolledAnswer answer = new PolledAnswer();
        Compressor gzip = PolledAnswer.COMPRESSION.findMatchingCompressor("gzip");
        byte[] json = "{\"servers\":[],\"count\":0,\"pad\":\"%s\"}".formatted("x".repeat(4000)).getBytes(StandardCharsets.UTF_8);
        byte[] first = answer.compressed(JsonPieces.of(json), gzip);
        assertThat(answer.compressed(JsonPieces.of(json.clone()), gzip)).as("equal bytes: the kept compressed answer").isSameAs(first);
        // as a list is sent: in pieces (never made one array) that are the kept answer's bytes
        JsonPieces inPieces = JsonPieces.of(List.of(Arrays.copyOfRange(json, 0, 12), Arrays.copyOfRange(json, 12, 13),
                Arrays.copyOfRange(json, 13, json.length)));
        assertThat(answer.compressed(inPieces, gzip)).as("equal bytes in pieces: the kept compressed answer").isSameAs(first);
        assertThat(inPieces.toArray()).isEqualTo(json);
        byte[] changed = json.clone();
        changed[changed.length - 3] = 'y';
        JsonPieces changedInPieces = JsonPieces.of(List.of(Arrays.copyOfRange(changed, 0, 12), Arrays.copyOfRange(changed, 12, changed.length)));
        byte[] second = answer.compressed(changedInPieces, gzip);
        assertThat(second).isNotSameAs(first);
        assertThat(gunzip(second)).isEqualTo(changed);
        assertThat(gunzip(first)).isEqualTo(json);
        assertThat(JsonPieces.of(List.of(json, new byte[]{'x'})).sameAs(json)).as("a longer answer").isFalse();
    }

    @Test
    void theKeptPiecesAreKnownWithoutAComparisonAndPiecesCompressAsTheirWholeWould() throws Exception {
        Compressor gzip = PolledAnswer.COMPRESSION.findMatchingCompressor("gzip");
        byte[] json = "{\"servers\":[%s],\"count\":1}".formatted("{\"name\":\"x\"}".repeat(400)).getBytes(StandardCharsets.UTF_8);
        JsonPieces pieces = JsonPieces.of(List.of(Arrays.copyOfRange(json, 0, 12), Arrays.copyOfRange(json, 12, 3000),
                Arrays.copyOfRange(json, 3000, json.length)));
        PolledAnswer answer = new PolledAnswer();
        byte[] compressed = answer.compressed(pieces, gzip);
        assertThat(gunzip(compressed)).isEqualTo(json);
        // the same bytes Javalin's compressor makes of the whole array: written piece by piece, not copied first
        assertThat(compressed).isEqualTo(new PolledAnswer().compressed(JsonPieces.of(json), gzip));
        assertThat(answer.compressed(pieces, gzip)).isSameAs(compressed);

        JsonPieces cutElsewhere = JsonPieces.of(List.of(Arrays.copyOfRange(json, 0, 5), Arrays.copyOfRange(json, 5, json.length)));
        assertThat(cutElsewhere.sameAs(pieces)).isTrue();
        assertThat(answer.compressed(cutElsewhere, gzip)).as("equal bytes cut elsewhere: the kept compressed answer").isSameAs(compressed);
        byte[] changed = json.clone();
        changed[2999] = 'y';
        JsonPieces changedPieces = JsonPieces.of(List.of(Arrays.copyOfRange(changed, 0, 100), Arrays.copyOfRange(changed, 100, changed.length)));
        assertThat(changedPieces.sameAs(pieces)).isFalse();
        assertThat(JsonPieces.of(List.of(json, new byte[]{'x'})).sameAs(pieces)).as("a longer answer").isFalse();
        assertThat(gunzip(answer.compressed(changedPieces, gzip))).isEqualTo(changed);
        assertThat(changedPieces.toArray()).isEqualTo(changed).isSameAs(changedPieces.toArray());
    }

    /** One GET /servers written on {@code socket} and its answer read by its Content-Length (a chunked one fails). */
    static KeptAliveHttp.Answer get(Socket socket, String key, boolean gzip) throws IOException {
        return KeptAliveHttp.get(socket, "/api/v1/servers", "Authorization: Bearer " + key + "\r\n" + (gzip ? "Accept-Encoding: gzip\r\n" : ""));
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        return KeptAliveHttp.gunzip(gz);
    }
}
