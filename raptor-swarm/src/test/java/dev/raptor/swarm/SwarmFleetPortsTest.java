package dev.raptor.swarm;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.PortConflictException;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.store.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fleet's port registry on the Swarm runtime is per node: a port number may be used once on each node. */
class SwarmFleetPortsTest {
    @TempDir
    Path tmp;
    private SwarmRuntime runtime;
    private SqliteStore store;
    private EventBus bus;
    private ServerFleet fleet;

    @BeforeEach
    void open() {
        runtime = TestSwarm.runtime("fleetports-" + UUID.randomUUID());
        store = SqliteStore.open(tmp.resolve("state"));
        bus = new EventBus();
        fleet = new ServerFleet(store, runtime, bus, ControllerSettings.defaults(tmp.resolve("volumes")));
        fleet.boot();
    }

    @AfterEach
    void close() throws Exception {
        for (ServerFleet.ServerSnapshot s : fleet.list()) {
            fleet.delete(s.id(), true).get(90, TimeUnit.SECONDS);
        }
        fleet.close();
        bus.close();
        runtime.close();
        store.close();
    }

    private static ServerSpec on(String node, String name, int port) {
        return ServerSpec.builder(TestSwarm.image()).name(name).readyPattern("Done!")
                .allocation(Allocation.primary("0.0.0.0", port, Protocol.TCP))
                .label(NodePlacement.PIN_LABEL, node).build();
    }

    @Test
    void twoServersOnTwoNodesShareAPortNumberAndBothRunAThirdOnOneOfThoseNodesIsRefused() throws Exception {
        int port = TestSwarm.freePort();
        UUID first = fleet.create(on(TestSwarm.NODE_1, "ports-1", port)).id();
        UUID second = fleet.create(on(TestSwarm.NODE_2, "ports-2", port)).id();
        assertThatThrownBy(() -> fleet.create(on(TestSwarm.NODE_1, "ports-3", port)))
                .isInstanceOf(PortConflictException.class).hasMessageContaining(first.toString());

        for (UUID id : new UUID[]{first, second}) {
            PowerResult started = fleet.power(id, PowerAction.START).get(90, TimeUnit.SECONDS);
            assertThat(started).as(started.toString()).isInstanceOf(PowerResult.Done.class);
        }
    }
}
