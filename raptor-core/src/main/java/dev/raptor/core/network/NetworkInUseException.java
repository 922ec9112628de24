package dev.raptor.core.network;

import java.util.List;
import java.util.UUID;

/** A network cannot be removed: a server's spec names it, or containers are attached to it. */
public final class NetworkInUseException extends RuntimeException {
    private final String name;
    private final List<UUID> servers;

    /**
     * @param servers the servers whose spec names it (empty when only the engine knows what is attached)
     * @param detail  what uses it, in words
     */
    public NetworkInUseException(String name, List<UUID> servers, String detail) {
        super("the network " + name + " is in use: " + detail);
        this.name = name;
        this.servers = List.copyOf(servers);
    }

    public String name() {
        return name;
    }

    public List<UUID> servers() {
        return servers;
    }
}
