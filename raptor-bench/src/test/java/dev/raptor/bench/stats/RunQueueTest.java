package dev.raptor.bench.stats;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RunQueueTest {
    private static final long MS = 1_000_000L;

    @Test
    void theMostRunnableThreadsInAWindowCountTheSampleThatHeldIntoIt() {
        RunQueue queue = new RunQueue(false);
        queue.add(0, 3);
        queue.add(20 * MS, 290);
        queue.add(40 * MS, 12);
        queue.add(60 * MS, 5);

        assertThat(queue.maxBetween(25 * MS, 35 * MS)).as("no sample inside: the one before held").isEqualTo(290);
        assertThat(queue.maxBetween(41 * MS, 70 * MS)).isEqualTo(12);
        assertThat(queue.maxBetween(60 * MS, 60 * MS)).isEqualTo(5);
        assertThat(queue.maxBetween(0, 100 * MS)).isEqualTo(290);
        assertThat(queue.maxBetween(-10 * MS, -1)).as("before the first sample").isEqualTo(-1);
        assertThat(queue.summary()).contains("max 290 (n=4)");
    }

    @Test
    void theSamplerReadsTheMachinesRunQueueWithItsTime() throws Exception {
        long from = System.nanoTime();
        RunQueue queue = RunQueue.start();
        long seen = -1;
        long giveUp = System.nanoTime() + 60_000 * MS;
        while (seen < 0 && System.nanoTime() < giveUp) {
            seen = queue.maxBetween(from, System.nanoTime());
            Thread.onSpinWait();
        }
        queue.close();
        assertThat(seen).as("the sampler counts itself at least").isGreaterThanOrEqualTo(1);
    }
}
