package dev.raptor.daemon;

import dev.raptor.api.agent.NodeAgents;
import dev.raptor.api.agent.ServerNode;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.files.FilePolicy;
import dev.raptor.sftp.agent.AgentRoute;
import dev.raptor.sftp.agent.AgentRoutes;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.UUID;

/**
 * The manager's answer to "are this server's files on a node agent?" for SFTP: the node it is placed on (the same rule
 * as the file API's, {@link ServerNode}), that node's agent ({@code RAPTOR_SWARM_AGENTS}) and its SFTP link
 * ({@link FileTransferConfig#agentLink}), with the server's file policy from its spec as it is now.
 */
final class AgentSftpRoutes implements AgentRoutes {
    private final ServerFleet fleet;
    private final NodeAgents agents;
    private final FileTransferConfig transfers;

    AgentSftpRoutes(ServerFleet fleet, NodeAgents agents, FileTransferConfig transfers) {
        this.fleet = fleet;
        this.agents = agents;
        this.transfers = transfers;
    }

    @Override
    public Optional<AgentRoute> of(UUID serverId) throws IOException {
        Optional<ServerSpec> found = fleet.find(serverId).map(s -> s.stored().spec());
        if (found.isEmpty()) {
            return Optional.empty(); // deleted meanwhile: the session ends anyway (OpenSessions)
        }
        ServerSpec spec = found.get();
        String node;
        try {
            node = ServerNode.of(fleet, serverId, spec);
        } catch (RuntimeException e) {
            throw new IOException("the swarm cannot say which node server " + serverId + " is on: " + e.getMessage(), e);
        }
        URI agent = agents.of(node);
        if (agent == null) {
            return Optional.empty();
        }
        return Optional.of(new AgentRoute(node, transfers.agentLink(node, agent), FilePolicy.of(spec).quotaBytes(),
                spec.fileRules().deny(), spec.fileRules().readOnly()));
    }
}
