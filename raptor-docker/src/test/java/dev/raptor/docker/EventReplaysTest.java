package dev.raptor.docker;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each event once, in any order: the engine stamps events before it publishes them, so two logged at about the same
 * moment can arrive out of stamp order (seen on the shared test engine: 6 of 408 container events in 90 s, up to
 * 125 ms early), and a reconnect sends again what was delivered.
 */
class EventReplaysTest {
    private static final long START = 1_796_564_700_000_000_000L;
    private static final long MS = 1_000_000L;

    @Test
    void anEventStampedBeforeTheLatestDeliveredOneIsStillNew() {
        EventReplays replays = new EventReplays();

        assertThat(replays.isNew(START + 1_000 * MS, "die/a")).isTrue();
        // logged a moment earlier than a's exit, published a moment later
        assertThat(replays.isNew(START + 875 * MS, "die/b")).as("b's exit, out of stamp order").isTrue();
        assertThat(replays.isNew(START + 1_000 * MS, "destroy/a")).as("another event at the same stamp").isTrue();
    }

    @Test
    void whatAReconnectSendsAgainIsSkippedAndWhatItMissedIsNot() {
        EventReplays replays = new EventReplays();
        replays.isNew(START + 10_000 * MS, "start/a");
        replays.isNew(START + 11_000 * MS, "die/a");

        assertThat(replays.sinceNanos(START)).as("a reconnect asks again from a little before the latest")
                .isEqualTo(START + 11_000 * MS - EventReplays.OVERLAP.toNanos()).isLessThan(START + 10_000 * MS);
        assertThat(replays.isNew(START + 10_000 * MS, "start/a")).isFalse();
        assertThat(replays.isNew(START + 10_990 * MS, "die/b")).as("never delivered: the break came first").isTrue();
        assertThat(replays.isNew(START + 11_000 * MS, "die/a")).isFalse();
        assertThat(replays.isNew(START + 10_990 * MS, "die/b")).isFalse();
    }

    @Test
    void nothingFromBeforeTheSubscriptionIsAskedFor() {
        EventReplays replays = new EventReplays();
        assertThat(replays.sinceNanos(START)).isEqualTo(START);

        replays.isNew(START + 10 * MS, "start/a");
        assertThat(replays.sinceNanos(START)).isEqualTo(START);

        replays.isNew(START + 60_000 * MS, "die/a");
        assertThat(replays.sinceNanos(START)).isEqualTo(START + 60_000 * MS - EventReplays.OVERLAP.toNanos());
    }
}
