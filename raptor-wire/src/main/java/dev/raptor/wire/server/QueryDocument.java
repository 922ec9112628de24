package dev.raptor.wire.server;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How Raptor asks the game for its players, version and MOTD: the spec's {@code query} member.
 *
 * <pre>{@code
 * {"protocol": "minecraft"}                                       Server List Ping on the primary allocation
 * {"protocol": "source", "port": 2457}                            A2S_INFO on its own port (Valheim: game port + 1)
 * {"protocol": "rcon", "port": 25575, "password": "…", "command": "list"}
 * }</pre>
 *
 * @param protocol {@code minecraft}, {@code source} or {@code rcon}
 * @param port     the query port when it is not the primary allocation's; required for rcon
 * @param command  rcon only: the command whose answer names the player count (default {@code list})
 * @param password rcon only: the RCON password
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QueryDocument(String protocol, Integer port, String command, String password) {
}
