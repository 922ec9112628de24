package dev.raptor.wire.server;

import java.util.List;

/** {@code GET /servers}: the servers that match the filters, oldest first, and how many they are. */
public record ServerList(List<ServerDocument> servers, int count) {
    public ServerList(List<ServerDocument> servers) {
        this(servers, servers.size());
    }
}
