package dev.raptor.bench;

import dev.raptor.bench.stats.PairedRounds;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PairedRoundsTest {

    @Test
    void aDriftThatHitsBothSidesOfAPairCancelsInThePairedRatio() {
        // one round in a slow engine moment (both sides 10x); the subject is 10 % over its partner in two rounds of
        // three. The sides' medians (120 / 100) say 1.2x; the pairs say 1.1x.
        PairedRounds p = new PairedRounds();
        p.add(110, 100);
        p.add(120, 100);
        p.add(1100, 1000);
        assertThat(p.medianRatio()).isCloseTo(1.10, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(p.medianDifferenceNanos()).isEqualTo(20);
    }

    @Test
    void theMedianIsAPairThatWasMeasuredNotAnAverage() {
        PairedRounds p = new PairedRounds();
        p.add(100, 100);
        p.add(120, 100);
        p.add(150, 100);
        p.add(200, 100);
        assertThat(p.medianRatio()).isEqualTo(1.2);
        assertThat(p.medianDifferenceNanos()).isEqualTo(20);
    }

    @Test
    void aFasterSubjectGivesANegativeDifference() {
        PairedRounds p = new PairedRounds();
        p.add(90, 100);
        assertThat(p.medianDifferenceNanos()).isEqualTo(-10);
    }

    @Test
    void noPairsIsAnErrorNotAFigure() {
        assertThatThrownBy(() -> new PairedRounds().medianRatio()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new PairedRounds().add(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
