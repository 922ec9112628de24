package dev.raptor.wire.network;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.raptor.core.network.NetworkInfo;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A network of the node, as {@code GET /networks} lists it and {@code POST /networks} answers it.
 *
 * @param id         the engine's id
 * @param name       its name, which specs name in {@code networks}
 * @param driver     {@code bridge}
 * @param subnet     its IPv4 subnet, when it has one
 * @param internal   whether it is cut off from the outside
 * @param labels     its labels
 * @param containers the containers attached to it now
 * @param usedBy     the servers whose spec names it (it cannot be removed while there are any)
 * @param createdAt  when it was made, when the engine says
 */
public record NetworkDocument(String id, String name, String driver, @JsonInclude(JsonInclude.Include.NON_NULL) String subnet,
                              boolean internal, Map<String, String> labels, List<String> containers, List<UUID> usedBy,
                              @JsonInclude(JsonInclude.Include.NON_NULL) Instant createdAt) {

    public static NetworkDocument of(NetworkInfo n, List<UUID> usedBy) {
        return new NetworkDocument(n.id(), n.name(), n.driver(), n.subnet(), n.internal(), n.labels(), n.containers(), usedBy,
                n.createdAt());
    }
}
