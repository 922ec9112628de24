package dev.raptor.docker;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.testing.EngineProxy;
import dev.raptor.store.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
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
 * A start pre-empted by a kill while its create is on its way to the engine, then a delete, and the create landing
 * only then (an engine under load): nothing of the deleted server is left on the real engine. This is how the Docker
 * contract runs used to leave one container in state "created" behind.
 */
class PreemptedCreateTest {
    private static final Duration HANG = Duration.ofSeconds(120);

    @TempDir
    Path dir;
    private final String node = "preempted-" + UUID.randomUUID();

    @BeforeAll
    static void requireEngine() {
        TestEngine.requireEngine();
    }

    @AfterEach
    void removeWhatIsLeft() {
        try (DockerRuntime runtime = DockerRuntime.connect(DockerRuntimeConfig.of(TestEngine.dockerHost()).withNode(node))) {
            for (ContainerInfo c : runtime.listOwned(Deadline.in(HANG))) {
                runtime.remove(c.ref(), Deadline.in(HANG));
            }
        }
    }

    @Test
    void aDeleteAfterAKillPreemptedTheCreateRemovesTheContainerThatLandsLate() throws Exception {
        try (EngineProxy proxy = new EngineProxy(dir.resolve("engine.sock"), TestEngine.dockerHost());
             SqliteStore store = SqliteStore.open(dir.resolve("state"));
             DockerRuntime runtime = DockerRuntime.connect(DockerRuntimeConfig.of(proxy.dockerHost()).withNode(node));
             DockerRuntime direct = DockerRuntime.connect(DockerRuntimeConfig.of(TestEngine.dockerHost()).withNode(node));
             ServerFleet fleet = new ServerFleet(store, runtime, new EventBus(), ControllerSettings.defaults(dir.resolve("volumes")))) {
            fleet.boot();
            UUID id = fleet.create(ServerSpec.builder(TestEngine.IMAGE).name("preempted").build()).id();
            proxy.holdNext("POST", "/containers/create");
            CompletableFuture<PowerResult> start = fleet.power(id, PowerAction.START);
            await().atMost(HANG).until(proxy::holding);

            PowerResult kill = fleet.power(id, PowerAction.KILL).get(HANG.toSeconds(), TimeUnit.SECONDS);
            assertThat(kill).isInstanceOf(PowerResult.Done.class);
            assertThat(start.get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(PowerResult.Superseded.class);
            CompletableFuture<PowerResult> delete = fleet.delete(id, true);
            await().atMost(HANG).until(() -> fleet.find(id).map(s -> "delete (forced)".equals(s.live().busyWith())).orElse(true));
            assertThat(direct.find(id, Deadline.in(HANG))).as("the create has not reached the engine yet").isEmpty();

            proxy.releaseHeld();
            assertThat(delete.get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(PowerResult.Done.class);
            await().atMost(HANG).until(proxy::heldAnswered);
            assertThat(fleet.find(id)).isEmpty();
            assertThat(direct.find(id, Deadline.in(HANG))).as("nothing of the deleted server is left on the engine").isEmpty();
        }
    }
}
