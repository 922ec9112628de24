package dev.raptor.core.power;

import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.testing.FakeEngine.Verb;
import dev.raptor.core.testing.FakeRuntime;
import dev.raptor.core.testing.MemoryStore;
import dev.raptor.core.testing.ServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stop on a runtime whose events tell exits as they happen takes its exit code from the exit's event, and asks the
 * runtime ({@code awaitExit}) only when none is at hand: lost, of an earlier run, or told while the engine was away.
 */
class ToldExitTest {
    @TempDir
    Path dir;

    private ServerFixture fixture(FakeRuntime runtime) {
        return new ServerFixture(runtime, new MemoryStore(), ControllerSettings.defaults(dir.resolve("volumes")));
    }

    private static ServerSpec.Builder idle() {
        return ServerSpec.builder("raptor-test/gameserver:1").env("BOOT_DELAY", "0").settle(Duration.ZERO);
    }

    private static void stopped(ServerFixture f, UUID id) throws Exception {
        assertThat(f.power(id, PowerAction.STOP)).isInstanceOfSatisfying(PowerResult.Done.class,
                d -> assertThat(d.state()).isEqualTo(ServerState.OFFLINE));
    }

    private static boolean said(ServerFixture f, UUID id, String text) {
        return f.activity(id).stream().anyMatch(e -> e.message().contains(text));
    }

    @Test
    void aStopTakesTheExitCodeFromTheExitEventWithoutAskingTheRuntime() throws Exception {
        FakeRuntime runtime = new FakeRuntime().tellingExits(true);
        try (ServerFixture f = fixture(runtime)) {
            UUID id = f.started(idle());
            stopped(f, id);
            assertThat(said(f, id, "stopped (exit code 0)")).isTrue();
            assertThat(runtime.engine().calls(Verb.AWAIT_EXIT)).as("the exit came with its event").isZero();
        }
    }

    @Test
    void aStopWhoseExitEventIsLostAsksTheRuntime() throws Exception {
        FakeRuntime runtime = new FakeRuntime().tellingExits(true);
        try (ServerFixture f = fixture(runtime)) {
            UUID id = f.started(idle());
            runtime.engine().dropEvents(true);
            stopped(f, id);
            assertThat(said(f, id, "stopped (exit code 0)")).isTrue();
            assertThat(runtime.engine().calls(Verb.AWAIT_EXIT)).isEqualTo(1);
        }
    }

    @Test
    void theExitOfAnEarlierRunIsNeverTakenForTheStopOfTheNext() throws Exception {
        FakeRuntime runtime = new FakeRuntime().tellingExits(true);
        try (ServerFixture f = fixture(runtime)) {
            UUID id = f.started(idle());
            stopped(f, id);
            assertThat(f.power(id, PowerAction.START)).isInstanceOf(PowerResult.Done.class);
            runtime.engine().dropEvents(true); // the second run's exit is never told: the first run's is all there is
            stopped(f, id);
            assertThat(runtime.engine().calls(Verb.AWAIT_EXIT)).as("the second stop asked the runtime").isEqualTo(1);
        }
    }

    @Test
    void theExitOfAnEarlierRunStampedInTheDaemonsFutureIsNeverTakenForTheStopOfTheNext() throws Exception {
        FakeRuntime runtime = new FakeRuntime().tellingExits(true);
        try (ServerFixture f = fixture(runtime)) {
            runtime.engine().clockAhead(Duration.ofMinutes(5)); // the first run's exit is stamped after the second's start
            UUID id = f.started(idle());
            stopped(f, id);
            assertThat(f.power(id, PowerAction.START)).isInstanceOf(PowerResult.Done.class);
            runtime.engine().dropEvents(true);
            stopped(f, id);
            assertThat(runtime.engine().calls(Verb.AWAIT_EXIT)).as("the second stop asked the runtime").isEqualTo(1);
        }
    }

    @Test
    void anExitToldWhileTheEngineGoesAwayIsNotTakenFromItsEvent() throws Exception {
        FakeRuntime runtime = new FakeRuntime().tellingExits(true);
        try (ServerFixture f = fixture(runtime)) {
            // ignores its stop command: still running when the engine goes away during the stop
            UUID id = f.started(idle().env("IGNORE_STOP", "1").stopPolicy(StopPolicy.command("stop", Duration.ofSeconds(30))));
            CompletableFuture<PowerResult> stop = f.fleet.power(id, PowerAction.STOP);
            await().atMost(ServerFixture.HANG).until(() -> f.fleet.find(id).orElseThrow().state() == ServerState.STOPPING);
            runtime.engine().goAway(); // tells it is going away, then stops every container (exit code 0)
            assertThat(stop.get(ServerFixture.HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(PowerResult.Done.class);
            assertThat(runtime.engine().calls(Verb.AWAIT_EXIT)).as("the engine's exit was asked about, not taken from its event")
                    .isEqualTo(1);
        }
    }

    @Test
    void aRuntimeThatDoesNotTellExitsAsTheyHappenIsAskedAtOnce() throws Exception {
        FakeRuntime runtime = new FakeRuntime();
        try (ServerFixture f = fixture(runtime)) {
            UUID id = f.started(idle());
            long before = System.nanoTime();
            stopped(f, id);
            assertThat(runtime.engine().calls(Verb.AWAIT_EXIT)).isEqualTo(1);
            assertThat(Duration.ofNanos(System.nanoTime() - before)).as("no wait for an event that comes late")
                    .isLessThan(ServerLifecycle.TOLD_EXIT_WAIT.multipliedBy(10));
        }
    }
}
