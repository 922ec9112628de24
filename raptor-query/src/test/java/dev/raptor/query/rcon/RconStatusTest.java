package dev.raptor.query.rcon;

import dev.raptor.core.query.GameStatus;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.query.QueryException;
import dev.raptor.query.testing.RconResponder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RconStatusTest {

    @Test
    void minecraftsListAnswerGivesPlayersAndNames() throws Exception {
        try (RconResponder rcon = new RconResponder("s3cret", Map.of("list", "There are 2 of a max of 20 players online: alice, bob"))) {
            GameStatus s = new RconStatus("s3cret", "list").query(new InetSocketAddress("127.0.0.1", rcon.port()),
                    Deadline.in(Duration.ofSeconds(10)));

            assertThat(s.playersOnline()).isEqualTo(2);
            assertThat(s.playersMax()).isEqualTo(20);
            assertThat(s.players()).containsExactly("alice", "bob");
            assertThat(rcon.commands()).containsExactly("list");
        }
    }

    @Test
    void aWrongPasswordFails() throws Exception {
        try (RconResponder rcon = new RconResponder("s3cret", Map.of())) {
            assertThatThrownBy(() -> new RconStatus("guess", "list").query(new InetSocketAddress("127.0.0.1", rcon.port()),
                    Deadline.in(Duration.ofSeconds(10)))).isInstanceOf(IOException.class).hasMessageContaining("authentication");
        }
    }

    @Test
    void anAnswerWithoutACountIsNotTheProtocol() throws Exception {
        try (RconResponder rcon = new RconResponder("pw", Map.of("list", "Unknown command"))) {
            assertThatThrownBy(() -> new RconStatus("pw", "list").query(new InetSocketAddress("127.0.0.1", rcon.port()),
                    Deadline.in(Duration.ofSeconds(10)))).isInstanceOf(QueryException.class).hasMessageContaining("Unknown command");
        }
    }
}
