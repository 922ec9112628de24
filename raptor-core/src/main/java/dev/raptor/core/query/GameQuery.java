package dev.raptor.core.query;

import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.Problems;

import java.util.List;
import java.util.Objects;

/**
 * How Raptor asks a server for its game status: the part of a spec that names a {@link QueryProtocol}.
 * The query goes to the primary allocation's address (a wildcard IP means the loopback address), on
 * {@code port} when it is set, else on the primary allocation's port.
 *
 * @param protocol which protocol to speak
 * @param port     the query port when it is not the game port (A2S often listens on game port + 1, RCON on its own); 0 = the primary allocation's
 * @param command  RCON only: the command whose answer names the player count (default {@value #DEFAULT_RCON_COMMAND})
 * @param password RCON only: the RCON password
 */
public record GameQuery(QueryProtocol protocol, int port, String command, String password) {
    /** Minecraft's and most servers' player list command; its answer says "N of a max of M players". */
    public static final String DEFAULT_RCON_COMMAND = "list";

    public GameQuery {
        Objects.requireNonNull(protocol, "protocol");
        if (protocol == QueryProtocol.RCON && (command == null || command.isBlank())) {
            command = DEFAULT_RCON_COMMAND;
        }
        if (protocol != QueryProtocol.RCON) {
            command = null;
            password = null;
        }
    }

    public static GameQuery minecraft() {
        return new GameQuery(QueryProtocol.MINECRAFT, 0, null, null);
    }

    public static GameQuery source(int port) {
        return new GameQuery(QueryProtocol.SOURCE, port, null, null);
    }

    public static GameQuery rcon(int port, String password, String command) {
        return new GameQuery(QueryProtocol.RCON, port, command, password);
    }

    /** The port to query, given the primary allocation's. */
    public int portOr(int primaryPort) {
        return port == 0 ? primaryPort : port;
    }

    /** Field errors relative to the query object ({@code port}, {@code password}...). */
    public List<FieldError> problems() {
        Problems p = new Problems();
        p.check(port >= 0 && port <= 65535, "port", "must be 0 (the primary allocation's) or a port 1-65535 (was " + port + ")");
        p.check(protocol != QueryProtocol.RCON || port > 0, "port", "RCON listens on a port of its own: name it");
        p.check(protocol != QueryProtocol.RCON || (password != null && !password.isEmpty()), "password", "RCON needs the server's RCON password");
        p.check(command == null || command.length() <= 1024, "command", "must be at most 1024 characters");
        return p.list();
    }

    @Override
    public String toString() {
        return "GameQuery[protocol=" + protocol.wireName() + ", port=" + port
                + (protocol == QueryProtocol.RCON ? ", command=" + command + ", password=***" : "") + "]";
    }
}
