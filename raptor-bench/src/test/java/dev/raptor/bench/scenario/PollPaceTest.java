package dev.raptor.bench.scenario;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PollPaceTest {
    @Test
    void pacedStartsAreOneIntervalApartAndALateCallerGetsEveryMissedStartNoneSkipped() {
        PollPace pace = new PollPace(1_000); // one a millisecond
        long first = pace.awaitNext();
        long second = pace.awaitNext();
        assertThat(second - first).isEqualTo(1_000_000L);
        assertThat(System.nanoTime()).as("waited for the second start").isGreaterThanOrEqualTo(second);

        long spin = System.nanoTime();
        while (System.nanoTime() - spin < 5_000_000L) { // the caller busy for five intervals
            Thread.onSpinWait();
        }
        long before = System.nanoTime();
        long third = pace.awaitNext();
        assertThat(third - second).as("the missed start is handed out, in the past").isEqualTo(1_000_000L);
        assertThat(third).isLessThan(before);
    }

    @Test
    void backToBackStartsAreNowAndANegativeRateIsRefused() {
        PollPace pace = new PollPace(0);
        assertThat(pace.backToBack()).isTrue();
        long before = System.nanoTime();
        assertThat(pace.awaitNext()).isGreaterThanOrEqualTo(before);
        assertThatThrownBy(() -> new PollPace(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--poll-rate");
    }
}
