package dev.raptor.bench.scenario;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StormScenarioTest {
    @Test
    void theStormPollsOnASocketUnlessToldToUseTheClient() {
        assertThat(StormScenario.socketPolling(StormScenario.DEFAULT_POLLER)).isTrue();
        assertThat(StormScenario.socketPolling("client")).isFalse();
        assertThatThrownBy(() -> StormScenario.socketPolling("jetty")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--poller").hasMessageContaining("jetty");
    }

    @Test
    void thePollersClientIsToldApartFromTheConsoleReadersByThreadIdThoughBothPoolsShareAName() {
        Set<Long> pollerClient = Set.of(33L, 34L);

        assertThat(StormScenario.harnessRole(7, "java", 7, pollerClient)).isEqualTo("polling thread");
        assertThat(StormScenario.harnessRole(33, "raptor-client-3", 7, pollerClient)).isEqualTo("the poller's RaptorClient");
        assertThat(StormScenario.harnessRole(140, "raptor-client-1", 7, pollerClient)).isEqualTo("console readers");
        assertThat(StormScenario.harnessRole(150, "bench-burst-169", 7, pollerClient)).isEqualTo("burst sender");
        assertThat(StormScenario.harnessRole(151, "bench-burst-win", 7, pollerClient)).isEqualTo("the bench's samplers");
        assertThat(StormScenario.harnessRole(12, "C2 CompilerThre", 7, pollerClient)).isEqualTo("JIT");
        assertThat(StormScenario.harnessRole(3, "GC Thread#0", 7, pollerClient)).isEqualTo("GC and VM");
        assertThat(StormScenario.harnessRole(9, "Reference Handl", 7, pollerClient)).isNull();
    }
}
