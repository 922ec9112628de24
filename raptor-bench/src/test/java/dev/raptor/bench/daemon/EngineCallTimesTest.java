package dev.raptor.bench.daemon;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EngineCallTimesTest {

    @Test
    void sumsEachCallsTimeOverItsOutcomesAndIgnoresTheRest() {
        String exposition = """
                # HELP raptor_engine_call_seconds Container engine calls by call and outcome
                # TYPE raptor_engine_call_seconds histogram
                raptor_engine_call_seconds_bucket{call="create",outcome="ok",le="0.5"} 3
                raptor_engine_call_seconds_count{call="create",outcome="ok"} 4
                raptor_engine_call_seconds_sum{call="create",outcome="ok"} 1.25
                raptor_engine_call_seconds_sum{call="create",outcome="conflict"} 0.25
                raptor_engine_call_seconds_sum{call="start",outcome="ok",} 0.5
                raptor_store_seconds_sum{operation="create",outcome="ok"} 9.0
                """;
        assertThat(EngineCallTimes.parse(exposition)).containsExactlyInAnyOrderEntriesOf(Map.of("create", 1.5, "start", 0.5));
    }

    @Test
    void whatARoundSpentIsTheDifferenceOfCallsThatMoved() {
        Map<String, Long> spent = EngineCallTimes.spent(Map.of("create", 1.0, "start", 2.0),
                Map.of("create", 1.25, "start", 2.0, "remove", 0.125));
        assertThat(spent).containsExactlyInAnyOrderEntriesOf(Map.of("create", 250_000_000L, "remove", 125_000_000L));
    }
}
