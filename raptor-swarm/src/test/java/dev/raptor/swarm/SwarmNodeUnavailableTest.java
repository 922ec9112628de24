package dev.raptor.swarm;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.node.NodeOverview;
import dev.raptor.core.node.NodeState;
import dev.raptor.core.node.RuntimeNode;
import dev.raptor.core.power.NodeUnavailableException;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerStatus;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.docker.DockerRuntime;
import dev.raptor.docker.DockerRuntimeConfig;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A node that goes down on the real two-node swarm: node 2's engine is stopped ({@code scripts/swarm.sh stop-node 2})
 * under a fleet with servers on both nodes, and started again in a {@code finally}. Its servers read
 * {@code node-unavailable}, nothing of theirs starts on node 1, power actions on them are refused, the server on node 1
 * runs on untouched, {@code GET /nodes}' overview says node 2 is down; once it is back each returns to its desired state.
 */
class SwarmNodeUnavailableTest {
    private static final Duration HANG = Duration.ofSeconds(120);

    @TempDir
    Path tmp;
    private final String label = "node-down-" + UUID.randomUUID();
    private SwarmFleet swarm;
    private SwarmRuntime runtime;
    private SqliteStore store;
    private ServerFleet fleet;
    private List<ServerEvent> events;

    @BeforeEach
    void openFleet() {
        swarm = new SwarmFleet(TestSwarm.runtime(label), tmp, HANG);
        runtime = swarm.runtime;
        store = swarm.store;
        fleet = swarm.fleet;
        events = swarm.events;
    }

    @AfterEach
    void closeFleet() throws Exception {
        swarm.close();
    }

    @Test
    void theServersOfANodeWhoseEngineStopsReadNodeUnavailableAreNeverStartedElsewhereAndReturnToTheirDesiredStateWhenItIsBack()
            throws Exception {
        int port = TestSwarm.freePort();
        UUID onTwo = fleet.create(server("runs-on-2", port, TestSwarm.NODE_2)).id();
        UUID stoppedOnTwo = fleet.create(server("stopped-on-2", port + 1, TestSwarm.NODE_2)).id();
        UUID onOne = fleet.create(server("runs-on-1", port, TestSwarm.NODE_1)).id();
        for (UUID id : List.of(onTwo, stoppedOnTwo, onOne)) {
            assertThat(power(id, PowerAction.START)).isInstanceOf(PowerResult.Done.class);
        }
        assertThat(power(stoppedOnTwo, PowerAction.STOP)).isInstanceOf(PowerResult.Done.class);
        awaitGreeting(TestSwarm.NODE_2, port, "runs-on-2");
        ContainerInfo oneBefore = runtime.find(onOne, Deadline.in(HANG)).getFirst();

        try {
            swarm("stop-node", "2");

            await().atMost(HANG).untilAsserted(() -> {
                assertThat(fleet.controller(onTwo).state()).isEqualTo(ServerState.NODE_UNAVAILABLE);
                assertThat(fleet.controller(stoppedOnTwo).state()).isEqualTo(ServerState.NODE_UNAVAILABLE);
            });
            assertThat(events).as("told as a state change, never as a crash")
                    .anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(ServerEvent.StateChanged.class, c -> {
                        assertThat(c.serverId()).isEqualTo(onTwo);
                        assertThat(c.to()).isEqualTo(ServerState.NODE_UNAVAILABLE);
                    }))
                    .noneSatisfy(e -> assertThat(e).isInstanceOfSatisfying(ServerEvent.Crashed.class,
                            c -> assertThat(c.serverId()).isIn(onTwo, stoppedOnTwo)));
            for (PowerAction action : PowerAction.values()) {
                assertThatThrownBy(() -> fleet.power(onTwo, action)).as(action.wireName())
                        .isInstanceOf(NodeUnavailableException.class).hasMessageContaining("does not answer");
            }
            assertThatThrownBy(() -> fleet.sendCommand(onTwo, "say hi")).isInstanceOf(NodeUnavailableException.class);
            assertThat(store.find(onTwo).orElseThrow().desired()).as("its desired state stays").isEqualTo(DesiredState.RUNNING);
            assertThat(store.find(stoppedOnTwo).orElseThrow().desired()).isEqualTo(DesiredState.STOPPED);
            assertThat(runtime.find(onTwo, Deadline.in(HANG))).singleElement()
                    .satisfies(c -> assertThat(c.status()).isEqualTo(ContainerStatus.UNREACHABLE));

            NodeOverview overview = NodeOverview.of(fleet, Deadline.in(HANG));
            assertThat(overview.nodes()).extracting(n -> n.node().name() + "=" + n.node().state())
                    .containsExactly(TestSwarm.NODE_1 + "=" + NodeState.READY, TestSwarm.NODE_2 + "=" + NodeState.DOWN);
            assertThat(overview.nodes().get(1).servers()).extracting(NodeOverview.ServerOnNode::id).containsExactlyInAnyOrder(onTwo, stoppedOnTwo);
            assertThat(overview.nodes().get(1).servers()).extracting(NodeOverview.ServerOnNode::state).containsOnly(ServerState.NODE_UNAVAILABLE);
            assertThat(overview.nodes().get(1).node().reason()).isNotBlank();

            // meanwhile on node 1: nothing of node 2's servers, and its own server runs on in the same container
            try (DockerRuntime nodeOne = nodeEngine(TestSwarm.NODE_1)) {
                assertThat(nodeOne.find(onTwo, Deadline.in(HANG))).as("never started on node 1").isEmpty();
                assertThat(nodeOne.find(stoppedOnTwo, Deadline.in(HANG))).isEmpty();
            }
            assertThat(fleet.controller(onOne).state()).isEqualTo(ServerState.RUNNING);
            awaitGreeting(TestSwarm.NODE_1, port, "runs-on-1");
            assertThat(runtime.find(onOne, Deadline.in(HANG)).getFirst().startedAt()).isEqualTo(oneBefore.startedAt());
            // down as the swarm sees it too (its heartbeat runs out): the manager shuts the node's tasks down, so the node's
            // agent does not start them again on its own when it is back (a blip shorter than that: SwarmNodeBlipTest)
            await().atMost(HANG).untilAsserted(() -> assertThat(runtime.nodes(Deadline.in(HANG)))
                    .filteredOn(n -> n.name().equals(TestSwarm.NODE_2)).singleElement()
                    .satisfies(n -> assertThat(n.reason()).startsWith("the swarm reports it down")));
        } finally {
            swarm("start-node", "2");
        }

        await().atMost(HANG).untilAsserted(() -> {
            assertThat(fleet.controller(onTwo).state()).as("desired running: started again, on node 2").isEqualTo(ServerState.RUNNING);
            assertThat(fleet.controller(stoppedOnTwo).state()).as("desired stopped: stays stopped").isEqualTo(ServerState.OFFLINE);
        });
        awaitGreeting(TestSwarm.NODE_2, port, "runs-on-2");
        assertThat(runtime.find(onTwo, Deadline.in(HANG)).getFirst().labels()).containsEntry(ServiceBlueprint.NODE_LABEL, TestSwarm.NODE_2);
        assertThat(runtime.find(stoppedOnTwo, Deadline.in(HANG))).noneMatch(ContainerInfo::running);
        assertThat(store.find(onTwo).orElseThrow().desired()).isEqualTo(DesiredState.RUNNING);
        assertThat(store.find(stoppedOnTwo).orElseThrow().desired()).isEqualTo(DesiredState.STOPPED);
        List<RuntimeNode> nodes = runtime.nodes(Deadline.in(HANG));
        assertThat(nodes).extracting(RuntimeNode::state).containsOnly(NodeState.READY);
        assertThat(power(onTwo, PowerAction.STOP)).as("power actions work again").isInstanceOf(PowerResult.Done.class);
    }

    private ServerSpec server(String name, int port, String node) {
        return ServerSpec.builder(TestSwarm.image())
                .name(name)
                .env("SERVER_NAME", name)
                .readyPattern("Done!")
                .stopPolicy(StopPolicy.command("stop", Duration.ofSeconds(30)))
                .allocation(Allocation.primary("0.0.0.0", port, Protocol.TCP))
                .label(NodePlacement.PIN_LABEL, node)
                .build();
    }

    private PowerResult power(UUID id, PowerAction action) throws Exception {
        return fleet.power(id, action).get(HANG.toSeconds(), TimeUnit.SECONDS);
    }

    private DockerRuntime nodeEngine(String node) {
        String engine = SwarmRuntimeConfig.parseNodes(TestSwarm.require().get("RAPTOR_SWARM_NODES")).get(node).toString();
        return DockerRuntime.connect(DockerRuntimeConfig.of(engine).withNode(label));
    }

    private static void awaitGreeting(String node, int port, String name) {
        TestSwarm.awaitGreeting(node, port, name, HANG);
    }

    private static void swarm(String verb, String node) {
        TestSwarm.script(verb, node);
    }
}
