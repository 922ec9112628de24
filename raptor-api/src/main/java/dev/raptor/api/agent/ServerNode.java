package dev.raptor.api.agent;

import dev.raptor.core.node.NodeTransfers;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.server.ServerSpec;

import java.time.Duration;
import java.util.UUID;

/**
 * The node a server's files are on, for whatever reaches them through that node's agent (the file API's
 * {@link NodeAgentProxy}, SFTP's piped channels): its spec's {@code node}, else where the runtime placed it.
 */
public final class ServerNode {
    /** How long the runtime may take to say where a server runs. */
    static final Duration LOOKUP = Duration.ofSeconds(30);

    private ServerNode() {
    }

    /**
     * @return the node's hostname, or null when the server was never placed (or the runtime has one machine)
     * @throws RuntimeException when the runtime cannot say now (an engine that does not answer)
     */
    public static String of(ServerFleet fleet, UUID id, ServerSpec spec) {
        if (spec.node() != null) {
            return spec.node();
        }
        NodeTransfers moves = fleet.runtime().transfers().orElse(null);
        return moves == null ? null : moves.nodeOf(id, Deadline.in(LOOKUP));
    }
}
