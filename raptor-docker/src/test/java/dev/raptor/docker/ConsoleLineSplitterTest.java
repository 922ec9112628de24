package dev.raptor.docker;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleLineSplitterTest {
    private final List<String> lines = new ArrayList<>();
    private final ConsoleLineSplitter splitter = new ConsoleLineSplitter(lines::add);

    private void feed(String s) {
        splitter.accept(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aLineSplitAcrossPiecesComesOutWhole() {
        feed("Done! For ");
        feed("help, type \"help\"\nnext");

        assertThat(lines).containsExactly("Done! For help, type \"help\"");
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
            splitter.accept(Arrays.copyOfRange(bytes, 0, cut));
            splitter.accept(Arrays.copyOfRange(bytes, cut, bytes.length));
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
        splitter.accept(big);
        splitter.flush();

        assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(ConsoleLineSplitter.MAX_LINE_BYTES));
        assertThat(String.join("", lines)).hasSize(big.length);
    }

    @Test
    void theCallerMayReuseItsBufferAfterEachPiece() {
        byte[] buffer = "abc".getBytes(StandardCharsets.UTF_8);
        splitter.accept(buffer);
        Arrays.fill(buffer, (byte) 'z');
        feed("\n");

        assertThat(lines).containsExactly("abc");
    }
}
