package dev.raptor.bench.scenario;

import dev.raptor.bench.stats.RunDelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StormPollsTest {
    private static final long MS = 1_000_000L;

    @Test
    void aSlowPollSplitsAtTheDaemonsStampsIntoItsParts(@TempDir Path dir) throws Exception {
        StormPolls polls = new StormPolls();
        polls.add(1_000 * MS, 1_010 * MS, 0); // fast
        polls.add(2_000 * MS, 2_300 * MS, 50 * MS); // slow: late into the daemon, then late back
        Path stamps = dir.resolve("stamps.txt");
        // headers read, servlet start, answer ready, written (nanoTime), as the daemon writes them, not in order
        Files.writeString(stamps, (2_200 * MS) + " " + (2_201 * MS) + " " + (2_211 * MS) + " " + (2_212 * MS) + "\n"
                + (1_001 * MS) + " " + (1_001 * MS) + " " + (1_002 * MS) + " " + (1_003 * MS) + "\n");

        List<String> slowest = polls.slowest(2, 1_000 * MS, stamps);

        assertThat(slowest.getFirst()).isEqualTo("300 ms at +1.00 s: poller waited for a CPU 50.0 ms; to the daemon 200 ms "
                + "(no selector stamp), wait for a thread 1.0 ms, handler 10.0 ms, write 1.0 ms, back 88.0 ms");
        assertThat(slowest.get(1)).startsWith("10.0 ms at +0.00 s: poller waited for a CPU 0.0 ms; to the daemon 1.0 ms");
        assertThat(polls.starvation(50 * MS)).isEqualTo("1 polls of 50.0 ms or more took 300 ms together, of which the poller "
                + "waited for a CPU 50.0 ms");
    }

    @Test
    void eachSlowPollSaysHowManyThreadsWantedTheCoresWhileItRan() throws Exception {
        StormPolls polls = new StormPolls();
        polls.add(1_000 * MS, 1_010 * MS, 0);
        polls.add(2_000 * MS, 2_300 * MS, 0);
        polls.add(3_000 * MS, 3_005 * MS, 0);
        List<long[]> asked = new java.util.ArrayList<>();
        polls.runnable((from, to) -> {
            asked.add(new long[] {from, to});
            return from == 3_000 * MS ? -1 : from == 2_000 * MS ? 290 : 12;
        });

        List<String> slowest = polls.slowest(3, 1_000 * MS, null);

        assertThat(slowest).containsExactly("300 ms at +1.00 s: poller waited for a CPU 0.0 ms; runnable threads up to 290",
                "10.0 ms at +0.00 s: poller waited for a CPU 0.0 ms; runnable threads up to 12",
                "5.0 ms at +2.00 s: poller waited for a CPU 0.0 ms; runnable threads ?");
        assertThat(asked.getFirst()).as("the poll's own span, send to answer read").containsExactly(2_000 * MS, 2_300 * MS);
    }

    @Test
    void aPacedPollCountsFromItsIntendedStartAndSaysHowLateItWasSent(@TempDir Path dir) throws Exception {
        StormPolls polls = new StormPolls();
        polls.add(1_000 * MS, 1_040 * MS, 1_100 * MS, 30 * MS); // meant at 1000, sent 40 ms late (behind a slow poll)
        polls.add(2_000 * MS, 2_000 * MS, 2_090 * MS, 0); // sent on time, slower on the wire but less in all
        Path stamps = dir.resolve("stamps.txt");
        // matched by the send: the stamp of the late poll lies after its send, not after its intended start only
        Files.writeString(stamps, (1_050 * MS) + " " + (1_051 * MS) + " " + (1_060 * MS) + " " + (1_061 * MS) + "\n");

        List<String> slowest = polls.slowest(2, 1_000 * MS, stamps);

        assertThat(slowest.getFirst()).isEqualTo("100 ms at +0.00 s: sent 40.0 ms late; poller waited for a CPU 30.0 ms; to the daemon "
                + "10.0 ms (no selector stamp), wait for a thread 1.0 ms, handler 9.0 ms, write 1.0 ms, back 39.0 ms");
        assertThat(slowest.get(1)).startsWith("90.0 ms at +1.00 s: poller waited for a CPU 0.0 ms");
        assertThat(polls.harnessSide(95 * MS, stamps)).startsWith("1 stamped polls of 95.0 ms or more took 100 ms: to the daemon 50.0 ms,");
    }

    @Test
    void theBurstsWindowCountsOnlyThePollsSentInIt() {
        StormPolls polls = new StormPolls();
        polls.add(1_000 * MS, 1_080 * MS, 30 * MS); // in the window, the slowest
        polls.add(1_500 * MS, 1_510 * MS, -1); // in the window, its wait unknown: counted as none
        polls.add(2_000 * MS, 2_500 * MS, 400 * MS); // sent as the window ends: not in it

        assertThat(polls.within(1_000 * MS, 2_000 * MS)).isEqualTo("2, the slowest 80.0 ms, the poller waited for a CPU 30.0 ms in "
                + "them together");
    }

    @Test
    void toTheDaemonSplitsAtTheSelectorAndReadTaskStampsAndAStaleSelectorStampIsNotCounted(@TempDir Path dir) throws Exception {
        StormPolls polls = new StormPolls();
        polls.add(1_000 * MS, 1_500 * MS, 0); // slow: the selector woke 5 ms after the send, its read task ran 400 ms later
        polls.add(3_000 * MS, 3_200 * MS, 0); // slow: read without a fresh wake-up (the selector stamp is older than the send)
        polls.add(5_000 * MS, 5_002 * MS, 0); // fast: not in the sums
        Path stamps = dir.resolve("stamps.txt");
        // headers, servlet start, ready, written, selected, read task started (nanoTime), as the daemon writes them
        Files.writeString(stamps, (1_406 * MS) + " " + (1_407 * MS) + " " + (1_410 * MS) + " " + (1_411 * MS) + " "
                + (1_005 * MS) + " " + (1_405 * MS) + "\n"
                + (3_100 * MS) + " " + (3_100 * MS) + " " + (3_101 * MS) + " " + (3_102 * MS) + " " + (2_900 * MS) + " " + (2_901 * MS) + "\n"
                + (5_001 * MS) + " " + (5_001 * MS) + " " + (5_001 * MS) + " " + (5_001 * MS) + " " + (5_000 * MS) + " " + (5_000 * MS) + "\n");

        List<String> slowest = polls.slowest(2, 1_000 * MS, stamps);

        assertThat(slowest.getFirst()).isEqualTo("500 ms at +0.00 s: poller waited for a CPU 0.0 ms; to the daemon 406 ms (selector 5.0 ms, "
                + "read-task wait 400 ms, read 1.0 ms), wait for a thread 1.0 ms, handler 3.0 ms, write 1.0 ms, back 89.0 ms");
        assertThat(slowest.get(1)).contains("to the daemon 100 ms (selector ?, read without a fresh wake-up)");
        assertThat(polls.toTheDaemon(100 * MS, stamps)).isEqualTo("2 stamped polls of 100 ms or more; to the daemon, summed: to the "
                + "selector 5.0 ms, the read task's wait 400 ms, the read 1.0 ms (1 read without a fresh selector wake-up left out)");
    }

    @Test
    void theSlowPollsBackSplitsIntoThePollersOwnWaitForACpuAndTheRestOfTheReceivingSide(@TempDir Path dir) throws Exception {
        StormPolls polls = new StormPolls();
        polls.add(1_000 * MS, 1_100 * MS, 30 * MS); // slow: 10 to the daemon, 20 in it, back 70 of which the poller waited 30
        polls.add(2_000 * MS, 2_050 * MS, 45 * MS); // slow: back 45, all of it the poller's wait (its wait counted at most back)
        polls.add(3_000 * MS, 3_001 * MS, 0); // fast: not counted
        Path stamps = dir.resolve("stamps.txt");
        Files.writeString(stamps, (1_010 * MS) + " " + (1_011 * MS) + " " + (1_029 * MS) + " " + (1_030 * MS) + "\n"
                + (2_004 * MS) + " " + (2_004 * MS) + " " + (2_005 * MS) + " " + (2_005 * MS) + "\n"
                + (3_000 * MS) + " " + (3_000 * MS) + " " + (3_000 * MS) + " " + (3_001 * MS) + "\n");

        assertThat(polls.harnessSide(40 * MS, stamps)).isEqualTo("2 stamped polls of 40.0 ms or more took 150 ms: to the daemon 14.0 ms, "
                + "in the daemon (headers read to answer written) 21.0 ms, back 115 ms, of which the poller's own wait for a CPU 75.0 ms "
                + "and the rest (the receiving side's other threads, the loopback) 40.0 ms");
    }

    @Test
    void aPollWithoutADaemonStampSaysSoAndWithoutAStampFileSaysNothing(@TempDir Path dir) throws Exception {
        StormPolls polls = new StormPolls();
        polls.add(5 * MS, 9 * MS, -1);
        Path stamps = dir.resolve("stamps.txt");
        Files.writeString(stamps, (20 * MS) + " " + (20 * MS) + " " + (21 * MS) + " " + (22 * MS) + "\n");

        assertThat(polls.slowest(1, 0, stamps)).containsExactly("4.0 ms at +0.01 s: poller waited for a CPU ?; no daemon stamp within it");
        assertThat(polls.slowest(1, 0, null)).containsExactly("4.0 ms at +0.01 s: poller waited for a CPU ?");
    }

    @Test
    void theCallingThreadsWaitForACpuIsReadAndNeverGoesBack() throws Exception {
        try (RunDelay delay = RunDelay.ofCallingThread()) {
            assertThat(delay).as("Linux keeps schedstat for every thread").isNotNull();
            long first = delay.nanos();
            long spin = System.nanoTime();
            while (System.nanoTime() - spin < 20 * MS) {
                Thread.onSpinWait();
            }
            assertThat(first).isNotNegative();
            assertThat(delay.nanos()).isGreaterThanOrEqualTo(first);
        }
    }
}
