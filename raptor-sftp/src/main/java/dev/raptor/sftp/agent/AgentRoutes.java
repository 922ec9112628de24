package dev.raptor.sftp.agent;

import java.util.Optional;
import java.util.UUID;

/**
 * Which servers' files are on a node agent rather than on this machine, asked by the manager's SFTP server once per
 * connection, when it has logged in (on a virtual thread: the answer may take an engine call), and by its FTP server at
 * each login. The daemon answers from the server's placement and {@code RAPTOR_SWARM_AGENTS}; {@link #NONE} keeps
 * every server here (one machine).
 */
@FunctionalInterface
public interface AgentRoutes {
    AgentRoutes NONE = id -> Optional.empty();

    /**
     * The route to the agent serving {@code serverId}'s files, or empty when they are on this machine.
     *
     * @throws java.io.IOException when where the server is cannot be told now (its SFTP channel then fails, saying so)
     */
    Optional<AgentRoute> of(UUID serverId) throws java.io.IOException;
}
