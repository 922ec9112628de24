package dev.raptor.query;

import dev.raptor.core.query.GameQuery;
import dev.raptor.core.query.GameStatus;
import dev.raptor.core.query.QueryProtocol;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.query.minecraft.ServerListPing;
import dev.raptor.query.rcon.RconStatus;
import dev.raptor.query.source.A2sInfo;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Asks one game server for its status over one protocol. Implementations are stateless and
 * thread-safe, and return or throw by the deadline: every connect, send and receive is bounded by
 * what is left of it.
 */
public interface GameStatusClient {

    QueryProtocol protocol();

    /**
     * @throws java.net.SocketTimeoutException when the deadline passes first
     * @throws QueryException                  when the answer is not the protocol
     * @throws IOException                     when the connection fails
     */
    GameStatus query(InetSocketAddress address, Deadline deadline) throws IOException;

    /** The client a spec's query names. */
    static GameStatusClient of(GameQuery query) {
        return switch (query.protocol()) {
            case MINECRAFT -> new ServerListPing();
            case SOURCE -> new A2sInfo();
            case RCON -> new RconStatus(query.password(), query.command());
        };
    }
}
