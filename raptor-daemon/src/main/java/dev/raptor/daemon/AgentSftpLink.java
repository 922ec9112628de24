package dev.raptor.daemon;

import dev.raptor.files.ServerVolumes;
import dev.raptor.sftp.agent.AgentLinkKeys;
import dev.raptor.sftp.ssh.AgentSftpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * {@code raptord agent}'s SFTP link ({@link AgentSftpServer}): where it listens, from {@value #ENV} ({@code host:port},
 * or {@code off}); by default the agent's own address one port above ({@code RAPTOR_AGENT_ADDR} 10.0.0.12:7090: 7091),
 * which is where the manager looks unless its {@code RAPTOR_SWARM_AGENTS_SFTP} names another.
 */
final class AgentSftpLink {
    static final String ENV = "RAPTOR_AGENT_SFTP_ADDR";

    private AgentSftpLink() {
    }

    /** The address to listen on, null for {@code off}; a bad value is added to {@code problems}. */
    static InetSocketAddress address(Map<String, String> env, ConfigLoader.HostPort agent, List<String> problems) {
        String v = env.get(ENV);
        if (v == null || v.isBlank()) {
            return agent == null ? null : new InetSocketAddress(agent.host(), agent.port() == 0 ? 0 : agent.port() + 1);
        }
        if (v.strip().equalsIgnoreCase("off")) {
            return null;
        }
        try {
            ConfigLoader.HostPort hp = ConfigLoader.HostPort.parse(v);
            return new InetSocketAddress(hp.host(), hp.port());
        } catch (IllegalArgumentException e) {
            problems.add(ENV + ": " + e.getMessage() + " (or off)");
            return null;
        }
    }

    /** Starts the link on {@code address} over {@code volumes}, accepting only the manager holding {@code agentKey}. */
    static AgentSftpServer start(InetSocketAddress address, ServerVolumes volumes, String agentKey) throws IOException {
        AgentSftpServer server = new AgentSftpServer(address, volumes, AgentLinkKeys.of(agentKey));
        try {
            server.start();
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }
}
