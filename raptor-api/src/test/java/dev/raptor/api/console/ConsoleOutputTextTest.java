package dev.raptor.api.console;

import dev.raptor.core.runtime.LogLine;
import dev.raptor.wire.console.SocketMessage;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code console output} message that the sockets of a server share for one batch: the Wings
 * message with the batch's lines joined by newlines, whatever characters the lines hold.
 */
class ConsoleOutputTextTest {
    private static final UUID SERVER = UUID.randomUUID();

    private static LogLine line(String text) {
        return new LogLine(SERVER, Instant.EPOCH, LogLine.Stream.STDOUT, text);
    }

    @Test
    void aBatchIsOneConsoleOutputMessageWithItsLinesJoinedByNewlines() {
        List<String> texts = List.of("line 1", "a \"quoted\" \\ path\tand tab", "ünïcödé ✓ \u0001 control", "", "last");

        String text = ConsoleConnection.CONSOLE_OUTPUT_TEXT.apply(texts.stream().map(ConsoleOutputTextTest::line).toList());

        SocketMessage m = SocketMessage.parse(text);
        assertThat(m.event()).isEqualTo(SocketMessage.CONSOLE_OUTPUT);
        assertThat(m.args()).containsExactly(String.join("\n", texts));
        assertThat(text).isEqualTo(SocketMessage.of(SocketMessage.CONSOLE_OUTPUT, String.join("\n", texts)).toJson());
    }
}
