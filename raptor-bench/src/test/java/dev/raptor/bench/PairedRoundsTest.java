package dev.raptor.bench;

import dev.raptor.bench.stats.PairedRounds;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PairedRoundsTest {

    /** Pairs given as subject, reference, subject, reference... */
    private static PairedRounds of(long... subjectThenReference) {
        PairedRounds p = new PairedRounds();
        for (int i = 0; i < subjectThenReference.length; i += 2) {
            p.add(subjectThenReference[i], subjectThenReference[i + 1]);
        }
        return p;
    }

    @Test
    void aDriftThatHitsBothSidesOfAPairCancelsInThePairedRatio() {
        // one round in a slow engine moment (both sides 10x); the subject is 10 % over its partner in two rounds of
        // three. The sides' medians (120 / 100) say 1.2x; the pairs say 1.1x.
        PairedRounds p = of(110, 100, 120, 100, 1100, 1000);
        assertThat(p.medianRatio()).isCloseTo(1.10, Offset.offset(1e-9));
        assertThat(p.medianDifferenceNanos()).isEqualTo(20);
    }

    @Test
    void theMedianIsAPairThatWasMeasuredNotAnAverage() {
        PairedRounds p = of(100, 100, 120, 100, 150, 100, 200, 100);
        assertThat(p.medianRatio()).isEqualTo(1.2);
        assertThat(p.medianDifferenceNanos()).isEqualTo(20);
    }

    @Test
    void aFasterSubjectGivesANegativeDifference() {
        assertThat(of(90, 100).medianDifferenceNanos()).isEqualTo(-10);
    }

    @Test
    void noPairsIsAnErrorNotAFigure() {
        assertThatThrownBy(() -> new PairedRounds().medianRatio()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new PairedRounds().add(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
