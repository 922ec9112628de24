package dev.raptor.core.testing;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.RestartPolicy;
import dev.raptor.core.runtime.ContainerHealth;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.server.HealthCheck;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.server.ServerStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A spec's health check, as every {@link ContainerRuntime} must run it (Docker through the engine's own check, the
 * process runtime itself, the fake as Docker does): the server's verdict and its events follow the check, and an
 * unhealthy server is restarted when its restart policy says so. One suite, run against each runtime by a subclass.
 */
public abstract class HealthContract {
    protected static final Duration HANG = ServerFixture.HANG;

    @TempDir
    protected Path tmp;
    protected ServerFixture node;
    private final List<ServerEvent.HealthChanged> events = new CopyOnWriteArrayList<>();
    private EventBus.Listener<ServerEvent.HealthChanged> listener;

    protected abstract ContainerRuntime openRuntime();

    protected abstract ServerStore openStore(Path dir);

    /** The test game server on this runtime, unnamed, ready at its Done line, stopped by its console command. */
    protected abstract ServerSpec.Builder gameServer();

    @BeforeEach
    void openNode() {
        node = new ServerFixture(openRuntime(), openStore(tmp.resolve("state")), ControllerSettings.defaults(tmp.resolve("volumes")));
        listener = node.bus.subscribe(ServerEvent.HealthChanged.class, events::add);
    }

    @AfterEach
    void closeNode() throws Exception {
        listener.close();
        node.close();
    }

    private static HealthCheck check(String command) {
        return new HealthCheck(command, Duration.ofSeconds(1), Duration.ofSeconds(5), 1, Duration.ZERO);
    }

    private ContainerHealth health(UUID id) {
        return node.fleet.controller(id).health();
    }

    @Test
    void aServerWithoutACheckHasNoHealth() throws Exception {
        UUID id = node.started(gameServer());
        assertThat(health(id)).isEqualTo(ContainerHealth.NONE);
        assertThat(node.fleet.controller(id).view().health()).isEqualTo(ContainerHealth.NONE);
    }

    @Test
    void aPassingCheckTurnsTheServerHealthyAndAStopTurnsItToNone() throws Exception {
        UUID id = node.started(gameServer().healthCheck(check("true")));
        await().atMost(HANG).until(() -> health(id) == ContainerHealth.HEALTHY);
        // the verdict is the controller's at once; its event reaches subscribers through the bus a moment later
        await().atMost(HANG).untilAsserted(() -> assertThat(events).anySatisfy(e -> {
            assertThat(e.serverId()).isEqualTo(id);
            assertThat(e.to()).isEqualTo(ContainerHealth.HEALTHY);
        }));
        node.power(id, PowerAction.STOP);
        assertThat(health(id)).isEqualTo(ContainerHealth.NONE);
    }

    @Test
    void aFailingCheckTurnsTheServerUnhealthyWithAnEventAndAnActivityEntry() throws Exception {
        UUID id = node.started(gameServer().healthCheck(check("false")));
        await().atMost(HANG).until(() -> health(id) == ContainerHealth.UNHEALTHY);
        // the verdict is the controller's at once; its event reaches subscribers through the bus a moment later
        await().atMost(HANG).untilAsserted(() -> assertThat(events).anySatisfy(e -> {
            assertThat(e.serverId()).isEqualTo(id);
            assertThat(e.to()).isEqualTo(ContainerHealth.UNHEALTHY);
        }));
        await().atMost(HANG).untilAsserted(() -> assertThat(node.activity(id)).anySatisfy(a -> {
            assertThat(a.type()).isEqualTo("health");
            assertThat(a.details()).containsEntry("to", "unhealthy");
        }));
        assertThat(node.fleet.controller(id).state()).as("without the policy it keeps running").isEqualTo(ServerState.RUNNING);
    }

    @Test
    void withRestartOnUnhealthyAnUnhealthyServerIsRestarted() throws Exception {
        UUID id = node.started(gameServer().healthCheck(check("false")).restartPolicy(RestartPolicy.no().withOnUnhealthy(true)));
        Instant firstRun = node.fleet.controller(id).view().startedAt();
        await().atMost(HANG).untilAsserted(() -> {
            assertThat(node.activity(id)).anySatisfy(a -> assertThat(a.message()).contains("the health check says unhealthy"));
            Instant now = node.fleet.controller(id).view().startedAt();
            assertThat(now).isNotNull().isAfter(firstRun);
        });
        await().atMost(HANG).until(() -> node.fleet.controller(id).state() == ServerState.RUNNING);
    }
}
