package dev.raptor.bench;

import dev.raptor.bench.stats.Samples;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SamplesTest {

    private static Samples of(long... values) {
        Samples s = new Samples();
        for (long v : values) {
            s.add(v);
        }
        return s;
    }

    @Test
    void medianIsTheNearestRankSampleNotAnAverage() {
        assertThat(of(4, 1, 3, 2).medianNanos()).isEqualTo(2);
        assertThat(of(5, 1, 3).medianNanos()).isEqualTo(3);
    }

    @Test
    void p99OfAHundredSamplesIsTheSecondLargest() {
        Samples s = new Samples();
        for (int i = 1; i <= 100; i++) {
            s.add(i);
        }
        assertThat(s.p99Nanos()).isEqualTo(99);
        assertThat(s.maxNanos()).isEqualTo(100);
    }

    @Test
    void p99OfFewSamplesIsTheMaximum() {
        assertThat(of(10, 30, 20).p99Nanos()).isEqualTo(30);
    }

    @Test
    void growsBeyondItsInitialCapacity() {
        Samples s = new Samples();
        for (int i = 0; i < 1000; i++) {
            s.add(1000 - i);
        }
        assertThat(s.count()).isEqualTo(1000);
        assertThat(s.maxNanos()).isEqualTo(1000);
        assertThat(s.percentileNanos(0.1)).isEqualTo(1);
    }

    @Test
    void refusesNegativeDurationsAndEmptyQuestions() {
        assertThatThrownBy(() -> of(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Samples().medianNanos()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> of(1).percentileNanos(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formatsMilliseconds() {
        assertThat(Samples.ms(12_345_678)).isEqualTo("12.3 ms");
        assertThat(Samples.ms(1_234_000_000)).isEqualTo("1234 ms");
    }
}
