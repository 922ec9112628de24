package dev.raptor.api.node;

import dev.raptor.api.http.Responses;
import dev.raptor.core.node.NodeOverview;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.wire.node.NodeList;
import io.javalin.http.Context;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** {@code GET /nodes}: the machines the servers run on, from {@link NodeOverview}. */
public final class NodesRoute {
    /** The runtime asks its cluster and pings each node's engine: generous, and still never a hang. */
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    private final ServerFleet fleet;

    public NodesRoute(ServerFleet fleet) {
        this.fleet = fleet;
    }

    public void list(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        Responses.json(ctx, 200, document(NodeOverview.of(fleet, Deadline.in(DEADLINE))));
    }

    static NodeList document(NodeOverview overview) {
        List<NodeList.Node> nodes = overview.nodes().stream().map(n -> new NodeList.Node(n.node().name(),
                n.node().state().wireName(), n.node().reason(), n.node().address(), n.node().cpus(), n.node().memoryBytes(),
                n.memoryLimitsBytes(), n.memoryFreeBytes(),
                n.servers().stream().flatMap(s -> s.allocations().stream().map(a -> new NodeList.Port(a.ip(), a.port(),
                        a.protocol().name().toLowerCase(Locale.ROOT), s.id()))).toList(),
                n.servers().stream().map(NodesRoute::server).toList(), n.pendingRemovals())).toList();
        return new NodeList(nodes, overview.unplaced().stream().map(NodesRoute::server).toList());
    }

    private static NodeList.Server server(NodeOverview.ServerOnNode s) {
        return new NodeList.Server(s.id(), s.name(), s.state().wireName());
    }
}
