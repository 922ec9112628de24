package dev.raptor.core.power;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class CrashTrackerTest {
    private final ControllerSettings settings = ControllerSettings.defaults(java.nio.file.Path.of("/tmp"))
            .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    private final CrashTracker tracker = new CrashTracker(Duration.ofMinutes(5), settings::backoff);
    private final Instant t0 = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void crashesAreRestartedWithABackoffThatDoublesUntilTheyBecomeACrashLoop() {
        RestartPolicy policy = RestartPolicy.onFailure(3);
        assertThat(tracker.onExit(t0, 1, policy, true)).isEqualTo(new CrashTracker.Verdict.Restart(1, Duration.ofMillis(100)));
        assertThat(tracker.onExit(t0.plusSeconds(1), 1, policy, true)).isEqualTo(new CrashTracker.Verdict.Restart(2, Duration.ofMillis(200)));
        assertThat(tracker.onExit(t0.plusSeconds(2), 1, policy, true)).isEqualTo(new CrashTracker.Verdict.Restart(3, Duration.ofMillis(400)));
        assertThat(tracker.onExit(t0.plusSeconds(3), 1, policy, true)).isEqualTo(new CrashTracker.Verdict.CrashLoop(4));
    }

    @Test
    void crashesOlderThanTheWindowNoLongerCount() {
        RestartPolicy policy = RestartPolicy.onFailure(1);
        tracker.onExit(t0, 1, policy, true);
        assertThat(tracker.onExit(t0.plus(Duration.ofMinutes(6)), 1, policy, true))
                .isEqualTo(new CrashTracker.Verdict.Restart(1, Duration.ofMillis(100)));
    }

    @Test
    void anOperatorsStartForgetsEarlierCrashes() {
        RestartPolicy policy = RestartPolicy.onFailure(1);
        tracker.onExit(t0, 1, policy, true);
        assertThat(tracker.onExit(t0.plusSeconds(1), 1, policy, true)).isInstanceOf(CrashTracker.Verdict.CrashLoop.class);
        tracker.reset();
        assertThat(tracker.onExit(t0.plusSeconds(2), 1, policy, true)).isInstanceOf(CrashTracker.Verdict.Restart.class);
    }

    @Test
    void theRestartPolicyDecidesWhichExitsAreRestarted() {
        assertThat(tracker.onExit(t0, 0, RestartPolicy.onFailure(3), true)).as("a clean exit under on-failure")
                .isInstanceOf(CrashTracker.Verdict.StaysOffline.class);
        assertThat(tracker.onExit(t0, 1, RestartPolicy.no(), true)).isInstanceOf(CrashTracker.Verdict.StaysOffline.class);
        assertThat(tracker.onExit(t0, 0, RestartPolicy.unlessStopped(), true)).isInstanceOf(CrashTracker.Verdict.Restart.class);
        assertThat(tracker.onExit(t0, 0, RestartPolicy.always(), true)).isInstanceOf(CrashTracker.Verdict.Restart.class);
    }

    @Test
    void aServerNoLongerMeantToRunIsNeverRestarted() {
        assertThat(tracker.onExit(t0, 1, RestartPolicy.always(), false)).isInstanceOf(CrashTracker.Verdict.StaysOffline.class);
    }
}
