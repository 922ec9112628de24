package dev.raptor.docker;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleLineSplitterTest {
    private final List<String> lines = new ArrayList<>();
    private final ConsoleLineSplitter splitter = new ConsoleLineSplitter((at, text) -> lines.add(text));

    private void feed(String s) {
        splitter.accept(null, s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aLineSplitAcrossPiecesComesOutWhole() {
        feed("Done! For ");
        feed("help, type \"help\"\nnext");

        assertThat(lines).containsExactly("Done! For help, type \"help\"");
    }

    @Test
    void aLineCarriesTheStampOfThePieceItBeganIn() {
        List<String> stamped = new ArrayList<>();
        ConsoleLineSplitter s = new ConsoleLineSplitter((at, text) -> stamped.add(at + " " + text));
        Instant t1 = Instant.parse("2026-11-24T14:00:00.000000001Z");
        Instant t2 = Instant.parse("2026-11-24T14:00:00.000000002Z");

        s.accept(t1, "long li".getBytes(StandardCharsets.UTF_8));
        s.accept(t2, "ne\nnext\n".getBytes(StandardCharsets.UTF_8));

        assertThat(stamped).containsExactly(t1 + " long line", t2 + " next");
    }

    @Test
    void onePieceWithManyLinesComesOutAsManyLines() {
        feed("a\nb\n\nc\n");

        assertThat(lines).containsExactly("a", "b", "", "c");
    }

    @Test
    void aCharacterSplitBetweenPiecesIsDecodedOnce() {
        byte[] bytes = "Grüße ☃\n".getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < bytes.length; cut++) {
            lines.clear();
            splitter.accept(null, Arrays.copyOfRange(bytes, 0, cut));
            splitter.accept(null, Arrays.copyOfRange(bytes, cut, bytes.length));
            assertThat(lines).as("cut at %d", cut).containsExactly("Grüße ☃");
        }
    }

    @Test
    void carriageReturnsOfCrlfOutputAreDropped() {
        feed("hello\r\nworld\r\n");

        assertThat(lines).containsExactly("hello", "world");
    }

    @Test
    void aLastLineWithoutNewlineComesOutOnFlush() {
        feed("prompt> ");
        assertThat(lines).isEmpty();

        splitter.flush();

        assertThat(lines).containsExactly("prompt> ");
    }

    @Test
    void anEndlessLineIsDeliveredInBoundedParts() {
        byte[] big = "x".repeat(ConsoleLineSplitter.MAX_LINE_BYTES * 2 + 10).getBytes(StandardCharsets.UTF_8);
        splitter.accept(null, big);
        splitter.flush();

        assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(ConsoleLineSplitter.MAX_LINE_BYTES));
        assertThat(String.join("", lines)).hasSize(big.length);
    }

    @Test
    void theCallerMayReuseItsBufferAfterEachPiece() {
        byte[] buffer = "abc".getBytes(StandardCharsets.UTF_8);
        splitter.accept(null, buffer);
        Arrays.fill(buffer, (byte) 'z');
        feed("\n");

        assertThat(lines).containsExactly("abc");
    }
}
