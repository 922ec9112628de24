package dev.raptor.core.image;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PullTallyTest {

    @Test
    void eachLayerKeepsItsLatestStepInTheOrderTheEngineFirstNamedThem() {
        PullTally tally = new PullTally();
        tally.accept(new PullProgress(null, "Pulling from games/lobby", 0, 0));
        tally.accept(new PullProgress("aaa", "Waiting", 0, 0));
        tally.accept(new PullProgress("bbb", "Downloading", 10, 100));
        tally.accept(new PullProgress("aaa", "Downloading", 5, 50));
        tally.accept(new PullProgress("bbb", "Pull complete", 0, 0));
        tally.accept(new PullProgress(null, "Digest: sha256:abc", 0, 0));

        PullTally.Snapshot s = tally.snapshot();
        assertThat(s.status()).isEqualTo("Digest: sha256:abc");
        assertThat(s.layers()).containsExactly(new PullProgress("aaa", "Downloading", 5, 50), new PullProgress("bbb", "Pull complete", 0, 0));
    }

    @Test
    void aSnapshotDoesNotChangeWithLaterSteps() {
        PullTally tally = new PullTally();
        tally.accept(new PullProgress("aaa", "Downloading", 1, 2));
        PullTally.Snapshot before = tally.snapshot();
        tally.accept(new PullProgress("aaa", "Pull complete", 0, 0));
        assertThat(before.layers()).containsExactly(new PullProgress("aaa", "Downloading", 1, 2));
        assertThat(before.status()).isNull();
    }
}
