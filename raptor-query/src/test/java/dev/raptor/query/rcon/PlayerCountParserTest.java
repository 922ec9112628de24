package dev.raptor.query.rcon;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class PlayerCountParserTest {

    static Stream<Arguments> answers() {
        return Stream.of(
                arguments("There are 3 of a max of 20 players online: a, b, c", 3, 20),
                arguments("There are 0 of a max 8 players online:", 0, 8),
                arguments("There are 5/10 players online:", 5, 10),
                arguments("hostname: x\nplayers : 2 humans, 1 bots (16 max)\nmap: de_dust2", 2, 16),
                arguments("players : 7 (32 max)", 7, 32),
                arguments("{\"Hostname\": \"rust\", \"MaxPlayers\": 50, \"Players\": 12, \"Queued\": 0}", 12, 50),
                arguments("online 4 / 9", 4, 9));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void findsTheCountInCommonAnswers(String answer, int online, int max) {
        PlayerCountParser.Count c = PlayerCountParser.parse(answer).orElseThrow();
        assertThat(c.online()).isEqualTo(online);
        assertThat(c.max()).isEqualTo(max);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Unknown command", "", "players: many", "99999999999/3"})
    void findsNothingWhereThereIsNoCount(String answer) {
        assertThat(PlayerCountParser.parse(answer)).isEmpty();
    }
}
