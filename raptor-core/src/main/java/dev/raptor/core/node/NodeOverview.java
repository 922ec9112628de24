package dev.raptor.core.node;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The machines the fleet's servers run on ({@code GET /api/v1/nodes}): each node the runtime reports, with the
 * servers placed on it, the host ports they publish there and the memory their limits promise. A server is on the
 * node {@link ContainerRuntime#portNode} names (ports are per node for the same reason); a runtime on one machine
 * names none, and every server is on its one node. A server a cluster has not placed yet is listed as unplaced.
 *
 * @param nodes    every node, in the runtime's order
 * @param unplaced servers on no node yet (Swarm places a server when it is first started)
 */
public record NodeOverview(List<Node> nodes, List<ServerOnNode> unplaced) {
    public NodeOverview {
        nodes = List.copyOf(nodes);
        unplaced = List.copyOf(unplaced);
    }

    /**
     * A server as a node shows it.
     *
     * @param memoryLimitBytes its memory limit, 0 when unlimited
     */
    public record ServerOnNode(UUID id, String name, ServerState state, List<Allocation> allocations, long memoryLimitBytes) {
        public ServerOnNode {
            allocations = List.copyOf(allocations);
        }
    }

    /**
     * A node and what is on it.
     *
     * @param memoryLimitsBytes the memory the limits of its servers promise
     * @param pendingRemovals   deleted servers whose files it still holds ({@link PendingRemovals})
     */
    public record Node(RuntimeNode node, List<ServerOnNode> servers, long memoryLimitsBytes, long pendingRemovals) {
        public Node {
            servers = List.copyOf(servers);
        }

        /** Memory not promised to its servers' limits (what placement compares), never below 0; 0 when its memory is unknown. */
        public long memoryFreeBytes() {
            return Math.max(0, node.memoryBytes() - memoryLimitsBytes);
        }

        /** Every host port its servers publish there. */
        public List<Allocation> ports() {
            return servers.stream().flatMap(s -> s.allocations().stream()).toList();
        }
    }

    /** The runtime's nodes now (within {@code deadline}), joined with the fleet's servers. */
    public static NodeOverview of(ServerFleet fleet, Deadline deadline) {
        ContainerRuntime runtime = fleet.runtime();
        List<RuntimeNode> nodes = runtime.nodes(deadline);
        Map<String, List<ServerOnNode>> on = new LinkedHashMap<>();
        nodes.forEach(n -> on.put(n.name(), new ArrayList<>()));
        List<ServerOnNode> unplaced = new ArrayList<>();
        for (ServerFleet.ServerSnapshot s : fleet.list()) {
            ServerSpec spec = s.stored().spec();
            ServerOnNode server = new ServerOnNode(s.id(), spec.name(), s.state(), spec.allocations(),
                    spec.limits().memoryMiB() * 1024L * 1024L);
            String node = runtime.portNode(spec);
            if (node == null && nodes.size() == 1) {
                node = nodes.getFirst().name(); // one machine: every server is on it
            }
            List<ServerOnNode> list = node == null ? null : on.get(node);
            (list == null ? unplaced : list).add(server);
        }
        Map<String, Long> pending = fleet.pendingRemovals().map(PendingRemovals::countByNode).orElse(Map.of());
        List<Node> out = new ArrayList<>();
        for (RuntimeNode n : nodes) {
            List<ServerOnNode> servers = on.get(n.name());
            out.add(new Node(n, servers, servers.stream().mapToLong(ServerOnNode::memoryLimitBytes).sum(),
                    pending.getOrDefault(n.name(), 0L)));
        }
        return new NodeOverview(out, unplaced);
    }
}
