package dev.raptor.core.power;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class EngineOutagesTest {
    private static final Instant T = Instant.parse("2026-12-05T10:00:00Z");
    private final EngineOutages outages = new EngineOutages();

    @Test
    void anExitWhileTheEngineIsAwayOrJustAsItWentIsTheEnginesDoing() {
        outages.interrupted(T);

        assertThat(outages.ongoing()).isTrue();
        assertThat(outages.explains(T.plusSeconds(3))).isTrue();
        assertThat(outages.explains(T.minus(EngineOutages.GRACE))).isTrue();
        assertThat(outages.explains(T.minus(EngineOutages.GRACE).minusMillis(1))).as("long before it went").isFalse();
    }

    @Test
    void anExitAfterTheEngineIsBackIsTheServersOwn() {
        outages.interrupted(T);
        outages.resumed(T.plusSeconds(10));

        assertThat(outages.ongoing()).isFalse();
        assertThat(outages.explains(T.plusSeconds(10))).as("found out about later, but it happened while away").isTrue();
        assertThat(outages.explains(T.plusSeconds(11))).isFalse();
    }

    @Test
    void aSecondNewsOfTheSameOutageDoesNotMoveItsBeginning() {
        outages.interrupted(T);
        outages.interrupted(T.plusSeconds(30)); // the stream broke after the engine was seen stopping

        assertThat(outages.explains(T.plusSeconds(1))).isTrue();
        outages.resumed(T.plusSeconds(40));
        outages.interrupted(T.plusSeconds(100));
        assertThat(outages.explains(T.plusSeconds(60))).as("between two outages").isFalse();
        assertThat(outages.explains(T.plusSeconds(101))).isTrue();
    }

    @Test
    void nothingIsExplainedWhenTheEngineNeverWentAway() {
        outages.resumed(T);

        assertThat(outages.ongoing()).isFalse();
        assertThat(outages.explains(T)).isFalse();
    }
}
