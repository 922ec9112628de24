package dev.raptor.bench.scenario;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StopStampsTest {

    @Test
    void aStopSplitsAtTheEnginesKillAndDieEvents() {
        // sent at 1000, kill event at 1300, die at 4300, stop answer heard at 4500, remove answer heard at 9300
        long[] s = StopStamps.segments(1_000, 1_300, 4_300, 4_500, 9_300);
        assertThat(s).containsExactly(300, 3_000, 200, 5_000);
    }

    @Test
    void everySegmentHasItsRow() {
        assertThat(StopStamps.segments(0, 0, 0, 0, 0)).hasSameSizeAs(StopStamps.SEGMENTS);
    }
}
