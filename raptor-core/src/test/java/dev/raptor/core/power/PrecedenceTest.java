package dev.raptor.core.power;

import org.junit.jupiter.api.Test;

import java.time.Duration;

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
            assertThat(Precedence.preempts(next, START)).as("%s over start", next).isTrue();
            assertThat(Precedence.preempts(next, RESTART)).as("%s over restart", next).isTrue();
            assertThat(Precedence.preempts(next, RECOVER)).as("%s over recover", next).isTrue();
            assertThat(Precedence.preempts(next, CONVERGE)).as("%s over converge", next).isTrue();
            assertThat(Precedence.preempts(next, STOP)).as("%s over stop", next).isFalse();
            assertThat(Precedence.preempts(next, APPLY)).as("%s over apply-spec", next).isFalse();
            assertThat(Precedence.preempts(next, OBSERVE)).as("%s over observe", next).isFalse();
        }
    }

    @Test
    void startCancelsOnlyTheControllersOwnWork() {
        assertThat(Precedence.preempts(START, RECOVER)).isTrue();
        assertThat(Precedence.preempts(START, OBSERVE)).isTrue();
        assertThat(Precedence.preempts(START, CONVERGE)).isTrue();
        assertThat(Precedence.preempts(START, STOP)).isFalse();
        assertThat(Precedence.preempts(START, START)).isFalse();
    }

    @Test
    void theControllersOwnIntentsAndASpecChangePreemptNothing() {
        for (Intent running : ALL) {
            for (Intent next : new Intent[] {RECOVER, OBSERVE, CONVERGE, APPLY}) {
                assertThat(Precedence.preempts(next, running)).as("%s over %s", next, running).isFalse();
            }
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
