package dev.raptor.core.server;

import dev.raptor.core.runtime.ContainerHealth;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API's words for a server's state, desired state and health: every server's document asks for all three on
 * every {@code GET /servers}, so each is one string made once, not a new one per call.
 */
class WireNamesTest {
    @Test
    void statesAreSaidInTheApisWordsTheSameStringEachTime() {
        assertThat(ServerState.INSTALL_FAILED.wireName()).isEqualTo("install-failed");
        assertThat(ServerState.NODE_UNAVAILABLE.wireName()).isEqualTo("node-unavailable");
        sameStringEachCall(ServerState.values(), ServerState::wireName);
        for (ServerState s : ServerState.values()) {
            assertThat(ServerState.parse(s.wireName())).isSameAs(s);
        }
    }

    @Test
    void desiredStatesAndHealthAreSaidInTheApisWordsTheSameStringEachTime() {
        assertThat(DesiredState.RUNNING.wireName()).isEqualTo("running");
        assertThat(DesiredState.parse(DesiredState.STOPPED.wireName())).isSameAs(DesiredState.STOPPED);
        assertThat(ContainerHealth.UNHEALTHY.wireName()).isEqualTo("unhealthy");
        sameStringEachCall(DesiredState.values(), DesiredState::wireName);
        sameStringEachCall(ContainerHealth.values(), ContainerHealth::wireName);
    }

    private static <E> void sameStringEachCall(E[] values, Function<E, String> word) {
        for (E e : values) {
            assertThat(word.apply(e)).as("%s", e).isSameAs(word.apply(e));
        }
    }
}
