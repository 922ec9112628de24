package dev.raptor.api.images;

import dev.raptor.core.image.PullProgress;
import dev.raptor.core.image.PullTally;
import dev.raptor.wire.operation.OperationProgress;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class PullProgressReportTest {

    @Test
    void aPullTellsTheTotalsEveryOperationTellsAndEveryLayersLatestStep() {
        PullTally tally = new PullTally();
        tally.accept(new PullProgress(null, "Pulling from games/lobby", 0, 0));
        tally.accept(new PullProgress("aaa", "Downloading", 300, 1000));
        tally.accept(new PullProgress("bbb", "Downloading", 200, 500));
        tally.accept(new PullProgress("ccc", "Already exists", 0, 0));

        OperationProgress p = PullProgressReport.of(tally.snapshot(), Duration.ofSeconds(2));

        assertThat(p.stage()).isEqualTo("pulling");
        assertThat(p.bytesDone()).isEqualTo(500);
        assertThat(p.bytesTotal()).isEqualTo(1500);
        assertThat(p.filesDone()).as("layers complete or already present").isEqualTo(1);
        assertThat(p.filesTotal()).as("layers named so far").isEqualTo(3);
        assertThat(p.bytesPerSecond()).isEqualTo(250);
        assertThat(p.status()).isEqualTo("Pulling from games/lobby");
        assertThat(p.layers()).containsExactly(new OperationProgress.Layer("aaa", "Downloading", 300, 1000),
                new OperationProgress.Layer("bbb", "Downloading", 200, 500), new OperationProgress.Layer("ccc", "Already exists", 0, 0));
    }

    @Test
    void theTotalIsUnknownWhileALayerWaitsWithoutASize() {
        PullTally tally = new PullTally();
        tally.accept(new PullProgress("aaa", "Downloading", 300, 1000));
        tally.accept(new PullProgress("bbb", "Waiting", 0, 0));

        OperationProgress p = PullProgressReport.of(tally.snapshot(), Duration.ZERO);

        assertThat(p.bytesTotal()).isEqualTo(-1);
        assertThat(p.filesDone()).isZero();
        assertThat(p.filesTotal()).isEqualTo(2);
    }

    @Test
    void beforeTheEngineNamesAnyLayerNothingIsKnownYet() {
        OperationProgress p = PullProgressReport.of(new PullTally().snapshot(), Duration.ofMillis(5));

        assertThat(p.bytesTotal()).isEqualTo(-1);
        assertThat(p.filesTotal()).isZero();
        assertThat(p.layers()).isEmpty();
        assertThat(p.status()).isNull();
    }
}
