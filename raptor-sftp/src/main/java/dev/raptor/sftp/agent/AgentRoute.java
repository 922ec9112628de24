package dev.raptor.sftp.agent;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Where the SFTP sessions of a server placed on a node with an agent go: the agent's SSH listener, and the server's file
 * policy as the manager's spec says now (handed to the agent with each channel).
 *
 * @param node       the node's hostname, for messages, logs and activity entries
 * @param address    the agent's SFTP link listener ({@code RAPTOR_AGENT_SFTP_ADDR} on the agent)
 * @param quotaBytes the server's disk quota, 0 = none
 */
public record AgentRoute(String node, InetSocketAddress address, long quotaBytes, List<String> deny, List<String> readOnly) {
    public AgentRoute {
        deny = deny == null ? List.of() : List.copyOf(deny);
        readOnly = readOnly == null ? List.of() : List.copyOf(readOnly);
    }
}
