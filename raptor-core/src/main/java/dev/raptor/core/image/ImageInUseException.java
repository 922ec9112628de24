package dev.raptor.core.image;

import java.util.List;
import java.util.UUID;

/** An image cannot be removed: a server's spec names it, or a container uses it. */
public final class ImageInUseException extends RuntimeException {
    private final String reference;
    private final List<UUID> servers;

    /**
     * @param servers the servers whose spec names it (empty when it is a container the engine knows of)
     * @param detail  what uses it, in words
     */
    public ImageInUseException(String reference, List<UUID> servers, String detail) {
        super("the image " + reference + " is in use: " + detail);
        this.reference = reference;
        this.servers = List.copyOf(servers);
    }

    public String reference() {
        return reference;
    }

    public List<UUID> servers() {
        return servers;
    }
}
