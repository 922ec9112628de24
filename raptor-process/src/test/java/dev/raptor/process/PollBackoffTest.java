package dev.raptor.process;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pauses a wait makes between its looks (their lengths only: nothing here sleeps). */
class PollBackoffTest {
    @Test
    void pausesGrowByHalfFromOneMillisecondUpToTheCeiling() {
        PollBackoff backoff = new PollBackoff(5);

        assertThat(pauses(backoff, 7)).containsExactly(1_000L, 1_500L, 2_250L, 3_375L, 5_000L, 5_000L, 5_000L);
    }

    @Test
    void aDenseSpanKeepsThePausesAtOneMillisecondUntilTheyAddUpToIt() {
        PollBackoff backoff = new PollBackoff(4, 5);

        assertThat(pauses(backoff, 8)).containsExactly(1_000L, 1_000L, 1_000L, 1_000L, 1_000L, 1_500L, 2_250L, 3_375L);
    }

    @Test
    void aDenseSpanIsBoundedByTheCallersLimitToo() {
        PollBackoff backoff = new PollBackoff(20, 10);

        assertThat(backoff.next(0)).as("a limit below a millisecond still pauses one").isEqualTo(1_000L);
        assertThat(backoff.next(Long.MAX_VALUE / 1_000_000)).isEqualTo(1_000L);
    }

    @Test
    void afterOutputTheNextPauseRestartsAtTheGivenLength() {
        PollBackoff backoff = new PollBackoff(0, 100);
        pauses(backoff, 12);

        backoff.restartAt(10);

        assertThat(pauses(backoff, 2)).containsExactly(10_000L, 15_000L);
    }

    private static List<Long> pauses(PollBackoff backoff, int n) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(backoff.next(Long.MAX_VALUE / 1_000_000));
        }
        return out;
    }
}
