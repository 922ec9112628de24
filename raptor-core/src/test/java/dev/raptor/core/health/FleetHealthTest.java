package dev.raptor.core.health;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerActionFinished;
import dev.raptor.core.power.RestartPolicy;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.testing.CallRule;
import dev.raptor.core.testing.FakeEngine;
import dev.raptor.core.testing.FakeRuntime;
import dev.raptor.core.testing.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The engine and servers checks, and the power-action announcements, on the in-memory engine. */
class FleetHealthTest {
    private static final Duration HANG = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    private final FakeRuntime runtime = new FakeRuntime();
    private final FakeEngine engine = runtime.engine();
    private final EventBus bus = new EventBus();
    private final List<PowerActionFinished> finished = new CopyOnWriteArrayList<>();
    private ServerFleet fleet;

    @BeforeEach
    void openFleet() {
        bus.subscribe(PowerActionFinished.class, finished::add);
        fleet = new ServerFleet(new MemoryStore(), runtime, bus, ControllerSettings.defaults(tmp.resolve("volumes"))
                .withBackoff(Duration.ofMillis(50), Duration.ofSeconds(1)).withObserveEvery(Duration.ofMillis(200)));
        fleet.boot();
    }

    @AfterEach
    void closeAll() {
        fleet.close();
        bus.close();
        runtime.close();
    }

    private UUID create(RestartPolicy restart) {
        ServerSpec spec = ServerSpec.builder("raptor-test/gameserver:1").name("game").readyPattern("Done!")
                .stopPolicy(StopPolicy.signal("SIGTERM", Duration.ofSeconds(30))).restartPolicy(restart).build();
        fleet.create(spec);
        return spec.id();
    }

    @Test
    void anEngineThatAnswersIsHealthyAndOneThatDoesNotIsUnhealthy() {
        EngineCheck check = new EngineCheck(runtime, Duration.ofSeconds(5));
        assertThat(check.run(Deadline.in(HANG)).status()).isEqualTo(HealthStatus.HEALTHY);

        engine.on(FakeEngine.Verb.INFO).fail(CallRule.Failure.UNAVAILABLE);

        NodeCheck.Finding down = check.run(Deadline.in(HANG));
        assertThat(down.status()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(down.detail()).startsWith(runtime.name() + " does not answer");
    }

    @Test
    void aHungEngineMakesTheReportUnhealthyAtTheDeadline() {
        engine.on(FakeEngine.Verb.INFO).hang();
        // The servers check answers in milliseconds, but a loaded 2-core machine may start its thread later than half a
        // second: the deadline leaves it room, so that the hung engine's check is the only one cut off.
        HealthReport r = new DeepHealth(List.of(new EngineCheck(runtime, Duration.ofSeconds(5)), new ServersCheck(fleet)),
                Duration.ofSeconds(10)).check();
        assertThat(r.status()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(r.reasons()).hasSize(1).first().asString().startsWith("engine: ");
        engine.releaseHangs();
    }

    @Test
    void aCrashLoopingServerMakesTheServersCheckDegradedAndNamesIt() throws Exception {
        ServersCheck check = new ServersCheck(fleet);
        UUID id = create(RestartPolicy.onFailure(1));
        assertThat(check.run(null).status()).isEqualTo(HealthStatus.HEALTHY);
        engine.programs(spec -> run -> run.print("Done!"));

        fleet.power(id, PowerAction.START).get(30, TimeUnit.SECONDS);
        // each run crashes once its boot is over (its ready line read), so that it counts as a crash, not a failed start:
        // a crash a fixed time after the line could come, on a loaded machine, before the controller had read it
        for (int run = 1; run <= 2; run++) {
            int started = run;
            await().atMost(HANG).until(() -> engine.calls(FakeEngine.Verb.START) == started
                    && fleet.controller(id).state() == ServerState.RUNNING);
            engine.exit(id, 1);
        }

        await().atMost(HANG).until(() -> fleet.controller(id).view().crashLoop());
        NodeCheck.Finding f = check.run(null);
        assertThat(f.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(f.detail()).startsWith("1 server, 1 offline").contains("game (" + id + ") is crash-looping");
    }

    @Test
    void everyRequestedPowerActionAndDeleteIsAnnouncedWithItsOutcome() throws Exception {
        UUID id = create(RestartPolicy.no());
        engine.programs(spec -> run -> run.print("Done!"));

        fleet.power(id, PowerAction.START).get(30, TimeUnit.SECONDS);
        fleet.delete(id, true).get(30, TimeUnit.SECONDS);

        await().atMost(HANG).until(() -> finished.size() == 2);
        assertThat(finished).extracting(PowerActionFinished::action).containsExactly("start", "delete");
        assertThat(finished).extracting(PowerActionFinished::outcome).containsExactly("done", "done");
        assertThat(finished).allSatisfy(f -> assertThat(f.took()).isPositive());
    }
}
