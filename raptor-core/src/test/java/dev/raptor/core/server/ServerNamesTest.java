package dev.raptor.core.server;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerNamesTest {
    private final UUID lobby = UUID.randomUUID();
    private final UUID other = UUID.randomUUID();
    private final Map<UUID, String> node = Map.of(lobby, "Lobby");

    @Test
    void aNameAnotherServerHasIsTakenIgnoringCase() {
        assertThatThrownBy(() -> ServerNames.check(other, "lobby", null, node)).isInstanceOfSatisfying(NameTakenException.class, e -> {
            org.assertj.core.api.Assertions.assertThat(e.holder()).isEqualTo(lobby);
            org.assertj.core.api.Assertions.assertThat(e.getMessage())
                    .isEqualTo("the name 'lobby' is taken by server " + lobby + " (as 'Lobby'); names are unique per node, ignoring case");
        });
    }

    @Test
    void aServerMayKeepOrRecaseItsOwnName() {
        assertThatCode(() -> ServerNames.check(lobby, "LOBBY", "Lobby", node)).doesNotThrowAnyException();
    }

    @Test
    void aServerThatSharedItsNameBeforeTheRuleKeepsItUntilRenamed() {
        Map<UUID, String> before = Map.of(lobby, "lobby", other, "lobby");
        assertThatCode(() -> ServerNames.check(other, "lobby", "lobby", before)).doesNotThrowAnyException();
    }

    @Test
    void renamingToAnotherServersNameIsRefused() {
        assertThatThrownBy(() -> ServerNames.check(other, "LOBBY", "survival", Map.of(lobby, "Lobby", other, "survival")))
                .isInstanceOf(NameTakenException.class);
    }
}
