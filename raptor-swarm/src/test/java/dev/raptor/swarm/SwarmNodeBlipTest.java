package dev.raptor.swarm;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.testing.FleetTeardown;
import dev.raptor.store.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
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
    private SwarmRuntime runtime;
    private SqliteStore store;
    private EventBus bus;
    private ServerFleet fleet;
    private final List<ServerEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void openFleet() {
        runtime = TestSwarm.runtime(label);
        store = SqliteStore.open(tmp.resolve("state"));
        bus = new EventBus();
        bus.subscribe(ServerEvent.class, events::add);
        fleet = new ServerFleet(store, runtime, bus, ControllerSettings.defaults(tmp.resolve("volumes"))
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(1))
                .withObserveEvery(Duration.ofSeconds(2)));
        fleet.boot();
    }

    @AfterEach
    void closeFleet() throws Exception {
        FleetTeardown.deleteAll(fleet, HANG);
        fleet.close();
        bus.close();
        runtime.close();
        store.close();
    }

    @Test
    void aServerWhoseNodeIsDownOnlyBrieflyReturnsToRunningAndItsDesiredStateStaysRunning() throws Exception {
        int port = ThreadLocalRandom.current().nextInt(20_000, 40_000);
        UUID id = fleet.create(ServerSpec.builder(TestSwarm.IMAGE)
                .name("blip")
                .env("SERVER_NAME", "blip")
                .readyPattern("Done!")
                .stopPolicy(StopPolicy.command("stop", Duration.ofSeconds(30)))
                .allocation(Allocation.primary("0.0.0.0", port, Protocol.TCP))
                .node(TestSwarm.NODE_2)
                .build()).id();
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
        String address = TestSwarm.addressOf(TestSwarm.NODE_2);
        await().atMost(HANG).ignoreExceptions().untilAsserted(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, port), 2000);
                s.setSoTimeout(5000);
                assertThat(new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine())
                        .contains("blip");
            }
        });
    }
}
