package dev.raptor.bench;

import dev.raptor.bench.daemon.FloodTally;
import dev.raptor.wire.client.ConsoleWebSocket;
import dev.raptor.wire.console.SocketMessage;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class FloodTallyTest {
    private static final int PREFIX = ConsoleWebSocket.OutputBytes.OUTPUT_PREFIX.getBytes(StandardCharsets.UTF_8).length;

    /** A console output message as the daemon encodes it. */
    private static byte[] message(String lines) {
        return SocketMessage.of(SocketMessage.CONSOLE_OUTPUT, lines).toJson().getBytes(StandardCharsets.UTF_8);
    }

    private static String flood(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"));
    }

    @Test
    void theDaemonsEncodingStartsWithThePrefixTheReaderSkips() {
        assertThat(new String(message("x"), StandardCharsets.UTF_8)).startsWith(ConsoleWebSocket.OutputBytes.OUTPUT_PREFIX);
    }

    @Test
    void countsAFloodInMessagesCutAnywhereEvenInsideAnEscape() {
        byte[] first = message(flood(1, 40) + "\n[Server] a \"quoted\" \\ backslash");
        byte[] second = message(flood(41, 100));
        for (int cut = PREFIX; cut < first.length; cut++) { // the first frame holds the prefix (see OutputBytesEndpoint)
            FloodTally t = new FloodTally();
            t.json(ByteBuffer.wrap(first, 0, cut), PREFIX);
            t.json(ByteBuffer.wrap(first, cut, first.length - cut).slice(), 0);
            t.json(ByteBuffer.wrap(second), PREFIX);
            assertThat(t.counts()).as("cut at %d", cut).isEqualTo(new FloodTally.Counts(101, 100, 100, 0, 0));
            assertThat(t.counts().exactly(100)).isTrue();
        }
    }

    @Test
    void aRepeatedOrSkippedLineIsNotExactly() {
        FloodTally repeated = new FloodTally();
        repeated.json(ByteBuffer.wrap(message(flood(1, 10))), PREFIX);
        repeated.json(ByteBuffer.wrap(message(flood(8, 10))), PREFIX);
        assertThat(repeated.counts()).isEqualTo(new FloodTally.Counts(13, 13, 10, 3, 0));
        assertThat(repeated.counts().exactly(10)).isFalse();

        FloodTally skipped = new FloodTally();
        skipped.json(ByteBuffer.wrap(message(flood(1, 4) + "\n" + flood(7, 10))), PREFIX);
        assertThat(skipped.counts()).isEqualTo(new FloodTally.Counts(8, 8, 10, 0, 2));
        assertThat(skipped.counts().exactly(10)).isFalse();
    }

    @Test
    void linesThatOnlyLookLikeAFloodAreNotCounted() {
        FloodTally t = new FloodTally();
        t.json(ByteBuffer.wrap(message("line \nline 1x\nliner 2\n line 3\nline 1")), PREFIX);
        assertThat(t.counts()).isEqualTo(new FloodTally.Counts(5, 1, 1, 0, 0));
    }

    @Test
    void plainTextIsOneLinePerNewlineAndIgnoresCarriageReturns() {
        byte[] text = (flood(1, 50) + "\r\n").replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII);
        FloodTally t = new FloodTally();
        for (int i = 0; i < text.length; i += 7) {
            t.plain(text, i, Math.min(7, text.length - i));
        }
        assertThat(t.counts()).isEqualTo(new FloodTally.Counts(50, 50, 50, 0, 0));
        t.reset();
        assertThat(t.counts()).isEqualTo(new FloodTally.Counts(0, 0, 0, 0, 0));
    }
}
