package dev.raptor.daemon;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * Where the file-transfer servers listen, from {@code sftpAddr}, {@code ftpAddr} and the FTP settings.
 *
 * @param sftp           the SFTP address, null when {@code off}
 * @param ftp            the FTP address, null when off (the default)
 * @param passivePorts   FTP's passive data ports ({@code 30000-30100}), null for any free port
 * @param passiveAddress the address FTP tells clients for passive data (behind NAT), or null
 * @param certificate    a PEM certificate for FTPS, null to generate a self-signed one into the data directory
 * @param privateKey     its PKCS#8 PEM key
 * @param agentLinks     where node agents' SFTP links listen, by node hostname ({@code swarmAgentsSftp}), for agents not
 *                       at the default (their {@code swarmAgents} address, one port above: {@link #agentLink})
 */
public record FileTransferConfig(InetSocketAddress sftp, InetSocketAddress ftp, String passivePorts, String passiveAddress,
                                 Path certificate, Path privateKey, java.util.Map<String, InetSocketAddress> agentLinks) {
    public static final String DEFAULT_SFTP_ADDR = "0.0.0.0:2022";

    public FileTransferConfig {
        agentLinks = agentLinks == null ? java.util.Map.of() : java.util.Map.copyOf(agentLinks);
    }

    /** The SFTP link of the agent of {@code node} at {@code agent}: as configured, else the agent's host, one port above. */
    InetSocketAddress agentLink(String node, java.net.URI agent) {
        InetSocketAddress named = agentLinks.get(node);
        return named != null ? named : InetSocketAddress.createUnresolved(agent.getHost(), agent.getPort() + 1);
    }

    /** How the boot summary says it. */
    String describe(InetSocketAddress sftpBound, InetSocketAddress ftpBound) {
        String s = sftpBound == null ? "SFTP off" : "sftp://" + hostPort(sftpBound);
        String f = ftpBound == null ? "FTP off" : "ftp://" + hostPort(ftpBound) + " (explicit FTPS offered"
                + (passivePorts == null ? "" : ", passive ports " + passivePorts) + ")";
        return s + ", " + f;
    }

    private static String hostPort(InetSocketAddress a) {
        String h = a.getHostString();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }
}
