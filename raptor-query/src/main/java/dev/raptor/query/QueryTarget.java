package dev.raptor.query;

import dev.raptor.core.query.GameQuery;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.UUID;

/** One server to ask: where, and how. */
public record QueryTarget(UUID serverId, InetSocketAddress address, GameQuery query) {
    public QueryTarget {
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(query, "query");
    }

    /**
     * The target for a server whose primary allocation is {@code ip:port}: a wildcard IP is where a
     * server listens, not an address to ask, so it becomes the loopback address.
     */
    public static QueryTarget of(UUID serverId, String ip, int primaryPort, GameQuery query) {
        String host = ip == null || ip.isBlank() || ip.equals("0.0.0.0") ? "127.0.0.1" : ip.equals("::") ? "::1" : ip;
        return new QueryTarget(serverId, new InetSocketAddress(host, query.portOr(primaryPort)), query);
    }
}
