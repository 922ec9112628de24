package dev.raptor.wire.network;

import java.util.List;

/** {@code GET /networks}: the node's networks and how many they are. */
public record NetworkList(List<NetworkDocument> networks, int count) {
    public NetworkList(List<NetworkDocument> networks) {
        this(networks, networks.size());
    }
}
