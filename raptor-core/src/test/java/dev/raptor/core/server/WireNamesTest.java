package dev.raptor.core.server;

import dev.raptor.core.runtime.ContainerHealth;
import org.junit.jupiter.api.Test;

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
        for (ServerState s : ServerState.values()) {
            assertThat(s.wireName()).isSameAs(s.wireName());
            assertThat(ServerState.parse(s.wireName())).isSameAs(s);
        }
    }

    @Test
    void desiredStatesAreSaidInTheApisWordsTheSameStringEachTime() {
        assertThat(DesiredState.RUNNING.wireName()).isEqualTo("running");
        for (DesiredState d : DesiredState.values()) {
            assertThat(d.wireName()).isSameAs(d.wireName());
            assertThat(DesiredState.parse(d.wireName())).isSameAs(d);
        }
    }

    @Test
    void healthIsSaidInTheApisWordsTheSameStringEachTime() {
        assertThat(ContainerHealth.UNHEALTHY.wireName()).isEqualTo("unhealthy");
        for (ContainerHealth h : ContainerHealth.values()) {
            assertThat(h.wireName()).isSameAs(h.wireName());
        }
    }
}
