package dev.raptor.docker;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.RestartPolicy;
import dev.raptor.core.power.ServerController;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.server.ActivityEntry;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.store.SqliteStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The Docker Engine stops and starts again under a running fleet, as a package upgrade does. It stops every
 * container on its way out: the game server exits 0 on the engine's SIGTERM, which must not read as its
 * operator's stop. Once the engine answers again, what should run runs again (the same container, started
 * again), what was stopped stays stopped, a crash-looping server stays offline, and nothing is duplicated.
 * On an engine of this test's own ({@link SecondEngine}), never the shared one.
 */
class EngineRestartTest {
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    private static Deadline soon() {
        return Deadline.in(Duration.ofSeconds(30));
    }

    @Test
    void afterTheEngineRestartsWhatShouldRunRunsAgainWhatWasStoppedStaysStoppedAndNothingIsDuplicated() throws Exception {
        SecondEngine engine = SecondEngine.require();
        ControllerSettings settings = ControllerSettings.defaults(dir.resolve("volumes"))
                .withEngineTimeout(Duration.ofSeconds(10))
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(1))
                .withObserveEvery(Duration.ofSeconds(1));
        try (AutoCloseable held = engine.hold();
             DockerRuntime runtime = DockerRuntime.connect(DockerRuntimeConfig.of(engine.dockerHost())
                .withNode("engine-restart-" + UUID.randomUUID()));
             SqliteStore store = SqliteStore.open(dir.resolve("state"));
             EventBus bus = new EventBus();
             ServerFleet fleet = new ServerFleet(store, runtime, bus, settings)) {
            fleet.boot();
            UUID running = fleet.create(game("running").build()).id();
            UUID stopped = fleet.create(game("stopped").build()).id();
            UUID looping = fleet.create(ServerSpec.builder(TestEngine.IMAGE).name("looping")
                    .startup("echo crashing; exit 3").restartPolicy(RestartPolicy.onFailure(2)).build()).id();
            try {
                assertThat(fleet.power(running, PowerAction.START).get(2, TimeUnit.MINUTES)).isInstanceOf(PowerResult.Done.class);
                assertThat(fleet.power(stopped, PowerAction.START).get(2, TimeUnit.MINUTES)).isInstanceOf(PowerResult.Done.class);
                assertThat(fleet.power(stopped, PowerAction.STOP).get(2, TimeUnit.MINUTES)).isInstanceOf(PowerResult.Done.class);
                fleet.power(looping, PowerAction.START);
                await().atMost(PATIENCE).until(() -> fleet.controller(looping).view().crashLoop());
                String container = runtime.find(running, soon()).getFirst().ref().id();

                engine.stop();

                // the engine stopped the server (exit 0): not the operator's stop, and reads answer meanwhile
                await().atMost(PATIENCE).until(() -> fleet.controller(running).state() == ServerState.OFFLINE);
                // a hang deadline only: that reads never wait for the engine is proven causally in HangingEngineFleetTest
                assertTimeoutPreemptively(PATIENCE, () -> assertThat(fleet.list()).hasSize(3));
                assertThat(fleet.controller(running).desired()).isEqualTo(DesiredState.RUNNING);
                assertThat(store.find(running).orElseThrow().desired()).isEqualTo(DesiredState.RUNNING);

                engine.start();

                await().atMost(PATIENCE).until(() -> fleet.controller(running).state() == ServerState.RUNNING);
                List<ContainerInfo> now = runtime.find(running, soon());
                assertThat(now).as("one container, the same one, running again").singleElement().satisfies(c -> {
                    assertThat(c.ref().id()).isEqualTo(container);
                    assertThat(c.running()).isTrue();
                });
                assertThat(store.find(running).orElseThrow().desired()).isEqualTo(DesiredState.RUNNING);
                assertThat(store.activity(running, Long.MAX_VALUE, 50)).extracting(ActivityEntry::type).contains("engine");

                assertStaysOffline(fleet, runtime, stopped);
                assertStaysOffline(fleet, runtime, looping);
                assertThat(fleet.controller(looping).view().crashLoop()).isTrue();
            } finally {
                if (!engine.answers()) {
                    engine.start(); // the test failed while it was down: the next one needs it
                }
                for (UUID id : List.of(running, stopped, looping)) {
                    fleet.delete(id, true).get(2, TimeUnit.MINUTES);
                }
            }
        }
    }

    private static ServerSpec.Builder game(String name) {
        return ServerSpec.builder(TestEngine.IMAGE).name(name).readyPattern("Done!");
    }

    private static void assertStaysOffline(ServerFleet fleet, DockerRuntime runtime, UUID id) {
        ServerController c = fleet.controller(id);
        assertThat(c.state()).isEqualTo(ServerState.OFFLINE);
        assertThat(c.desired()).isEqualTo(DesiredState.STOPPED);
        assertThat(fleet.store().find(id).orElseThrow().desired()).isEqualTo(DesiredState.STOPPED);
        assertThat(runtime.find(id, soon())).as("at most one container, not running").hasSizeLessThanOrEqualTo(1)
                .noneMatch(ContainerInfo::running);
    }
}
