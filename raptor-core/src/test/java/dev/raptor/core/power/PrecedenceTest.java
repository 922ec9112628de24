package dev.raptor.core.power;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PrecedenceTest {
    private static final Intent START = new Intent.Power(PowerAction.START);
    private static final Intent STOP = new Intent.Power(PowerAction.STOP);
    private static final Intent RESTART = new Intent.Power(PowerAction.RESTART);
    private static final Intent KILL = new Intent.Power(PowerAction.KILL);
    private static final Intent DELETE = new Intent.Delete(false);
    private static final Intent FORCED_DELETE = new Intent.Delete(true);
    private static final Intent APPLY = new Intent.ApplySpec(2);
    private static final Intent RECOVER = new Intent.Recover(1, Duration.ofSeconds(1));
    private static final Intent OBSERVE = new Intent.Observe("test");
    private static final Intent CONVERGE = new Intent.Converge("test");
    private static final Intent[] ALL = {START, STOP, RESTART, KILL, DELETE, FORCED_DELETE, APPLY, RECOVER, OBSERVE, CONVERGE};

    @Test
    void killAndAForcedDeletePreemptWhateverRuns() {
        for (Intent running : ALL) {
            assertThat(Precedence.preempts(KILL, running)).as("kill over %s", running).isTrue();
            assertThat(Precedence.preempts(FORCED_DELETE, running)).as("forced delete over %s", running).isTrue();
        }
    }

    @Test
    void stopRestartAndDeleteCancelOnlyWorkThatBringsTheServerUp() {
        for (Intent next : new Intent[] {STOP, RESTART, DELETE}) {
            for (Intent running : ALL) {
                assertThat(Precedence.preempts(next, running)).as("%s over %s", next, running).isEqualTo(running.bringsUp());
            }
        }
        assertThat(List.of(ALL)).filteredOn(Intent::bringsUp).containsExactly(START, RESTART, RECOVER, CONVERGE);
    }

    @Test
    void startCancelsOnlyTheControllersOwnWork() {
        for (Intent running : ALL) {
            assertThat(Precedence.preempts(START, running)).as("start over %s", running).isEqualTo(!running.operator());
        }
        assertThat(List.of(ALL)).filteredOn(i -> !i.operator()).containsExactly(RECOVER, OBSERVE, CONVERGE);
    }

    @Test
    void theControllersOwnIntentsAndASpecChangePreemptNothing() {
        for (Intent next : new Intent[] {RECOVER, OBSERVE, CONVERGE, APPLY}) {
            assertThat(List.of(ALL)).as("%s pre-empts", next).noneMatch(running -> Precedence.preempts(next, running));
        }
    }

    @Test
    void anOperatorsIntentAlwaysJoinsTheQueueTheControllersOwnOnlyAnEmptyOne() {
        assertThat(Precedence.joinsQueue(STOP, false)).isTrue();
        assertThat(Precedence.joinsQueue(APPLY, false)).isTrue();
        assertThat(Precedence.joinsQueue(OBSERVE, true)).isTrue();
        assertThat(Precedence.joinsQueue(OBSERVE, false)).isFalse();
        assertThat(Precedence.joinsQueue(RECOVER, false)).isFalse();
    }
}
