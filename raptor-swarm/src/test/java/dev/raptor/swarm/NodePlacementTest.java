package dev.raptor.swarm;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.server.ServerSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodePlacementTest {
    private static final long GIB = 1L << 30;
    private static final List<NodePlacement.Node> TWO = List.of(
            new NodePlacement.Node("a", true, 8 * GIB), new NodePlacement.Node("b", true, 8 * GIB));

    private static ServerSpec.Builder spec(int port) {
        return ServerSpec.builder("img:1").name("s").allocation(Allocation.primary("0.0.0.0", port, Protocol.TCP));
    }

    private static NodePlacement.Pinned on(String node, long memory, String... ports) {
        return new NodePlacement.Pinned(UUID.randomUUID(), node, memory, Set.of(ports));
    }

    @Test
    void theNodeWithTheMostFreeMemoryWins() {
        assertThat(NodePlacement.choose(spec(1000).build(), TWO, List.of(on("a", 2 * GIB)), null)).isEqualTo("b");
        assertThat(NodePlacement.choose(spec(1000).build(), TWO, List.of(on("b", 2 * GIB)), null)).isEqualTo("a");
    }

    @Test
    void equalMemoryGoesToTheNodeWithFewerServers() {
        assertThat(NodePlacement.choose(spec(1000).build(), TWO, List.of(on("a", 0), on("a", 0), on("b", 0)), null)).isEqualTo("b");
    }

    @Test
    void aNodeWhereThePortIsPublishedIsNotEligibleEvenWithMoreMemory() {
        assertThat(NodePlacement.choose(spec(25565).build(), TWO, List.of(on("a", 0, "25565/tcp"), on("b", 4 * GIB)), null)).isEqualTo("b");
    }

    @Test
    void theSamePortNumberOverUdpDoesNotCollideWithTcp() {
        assertThat(NodePlacement.choose(spec(25565).build(), TWO, List.of(on("a", 0, "25565/udp"), on("b", 4 * GIB)), null)).isEqualTo("a");
    }

    @Test
    void aPortTakenOnEveryNodeIsAConflictNamingIt() {
        assertThatThrownBy(() -> NodePlacement.choose(spec(25565).build(), TWO, List.of(on("a", 0, "25565/tcp"), on("b", 0, "25565/tcp")), null))
                .isInstanceOf(EngineException.Conflict.class).hasMessageContaining("25565/tcp");
    }

    @Test
    void theNodeASpecNamesWinsOverMemory() {
        ServerSpec s = spec(1000).label(NodePlacement.PIN_LABEL, "a").build();
        assertThat(NodePlacement.choose(s, TWO, List.of(on("a", 6 * GIB)), null)).isEqualTo("a");
    }

    @Test
    void aNamedNodeThatIsDownIsRefusedNamingTheUsableOnes() {
        List<NodePlacement.Node> nodes = List.of(new NodePlacement.Node("a", false, 8 * GIB), new NodePlacement.Node("b", true, 8 * GIB));
        ServerSpec s = spec(1000).label(NodePlacement.PIN_LABEL, "a").build();
        assertThatThrownBy(() -> NodePlacement.choose(s, nodes, List.of(), null))
                .isInstanceOf(EngineException.Rejected.class).hasMessageContaining("labels." + NodePlacement.PIN_LABEL).hasMessageContaining("[b]");
    }

    @Test
    void aRecreatedServerStaysOnTheNodeItWasOnWhereItsFilesAre() {
        assertThat(NodePlacement.choose(spec(1000).build(), TWO, List.of(on("b", 6 * GIB)), "b")).isEqualTo("b");
    }

    @Test
    void aRecreatedServerWhoseNodeIsDownIsRefusedAndNeverMovedToAnotherNodeWithoutItsFiles() {
        List<NodePlacement.Node> nodes = List.of(new NodePlacement.Node("a", true, 8 * GIB), new NodePlacement.Node("b", false, 8 * GIB));
        assertThatThrownBy(() -> NodePlacement.choose(spec(1000).build(), nodes, List.of(), "b"))
                .isInstanceOf(EngineException.Unavailable.class).hasMessageContaining("node b");
    }

    @Test
    void theServersOwnEarlierServiceDoesNotTakeItsPorts() {
        ServerSpec s = spec(25565).build();
        List<NodePlacement.Pinned> pinned = List.of(new NodePlacement.Pinned(s.id(), "a", 0, Set.of("25565/tcp")), on("b", 0, "25565/tcp"));
        assertThat(NodePlacement.choose(s, TWO, pinned, "a")).isEqualTo("a");
    }
}
