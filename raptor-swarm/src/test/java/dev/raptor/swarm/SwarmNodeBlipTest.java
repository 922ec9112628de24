package dev.raptor.swarm;

import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerState;
import dev.raptor.store.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker node down only for a blip on the real two-node swarm: node 2's engine is stopped and started again at once
 * ({@code scripts/swarm.sh stop-node 2; start-node 2}), before the swarm manager's heartbeat runs out, so the manager
 * never marks the node down and never shuts its task down. Its swarm agent comes back with the old task still assigned
 * and settles it on its own (restarting and then stopping the old container, which exits 0, or failing it for a container
 * that is gone). None of that is the operator's stop: the server returns to its desired state, running, on node 2.
 */
class SwarmNodeBlipTest {
    private static final Duration HANG = Duration.ofSeconds(180);

    @TempDir
    Path tmp;
    private final String label = "node-blip-" + UUID.randomUUID();
    private SwarmFleet swarm;
    private SqliteStore store;
    private ServerFleet fleet;
    private List<ServerEvent> events;

    @BeforeEach
    void openFleet() {
        swarm = new SwarmFleet(TestSwarm.runtime(label), tmp, HANG);
        store = swarm.store;
        fleet = swarm.fleet;
        events = swarm.events;
    }

    @AfterEach
    void closeFleet() throws Exception {
        swarm.close();
    }

    @Test
    void aServerWhoseNodeIsDownOnlyBrieflyReturnsToRunningAndItsDesiredStateStaysRunning() throws Exception {
        int port = TestSwarm.freePort();
        UUID id = fleet.create(TestSwarm.server("blip", port, TestSwarm.NODE_2)).id();
        assertThat(fleet.power(id, PowerAction.START).get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(PowerResult.Done.class);
        awaitGreeting(port);

        // three blips: how the swarm agent settles the old task on its return varies from one to the next
        for (int blip = 1; blip <= 3; blip++) {
            try {
                TestSwarm.script("stop-node", "2");
                await().atMost(HANG).until(() -> fleet.controller(id).state() == ServerState.NODE_UNAVAILABLE);
            } finally {
                // at once: back well within the manager's heartbeat window, so the swarm never reports the node down
                TestSwarm.script("start-node", "2");
            }
            await().atMost(HANG)
                    .failFast("the desired state became stopped: an exit the swarm caused was taken for the operator's stop",
                            () -> store.find(id).orElseThrow().desired() == DesiredState.STOPPED)
                    .untilAsserted(() -> assertThat(fleet.controller(id).state()).isEqualTo(ServerState.RUNNING));
            awaitGreeting(port);
        }
        awaitGreeting(port);
        assertThat(store.find(id).orElseThrow().desired()).isEqualTo(DesiredState.RUNNING);
        assertThat(events).as("no crash counted").noneSatisfy(e -> assertThat(e).isInstanceOf(ServerEvent.Crashed.class));
        assertThat(store.activity(id, Long.MAX_VALUE, 500)).as("no 'stopped on its own'")
                .noneSatisfy(a -> assertThat(a.message()).contains("stopped on its own"));
    }

    private static void awaitGreeting(int port) {
        TestSwarm.awaitGreeting(TestSwarm.NODE_2, port, "blip", HANG);
    }
}
