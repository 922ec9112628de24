package dev.raptor.core.network;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A network Raptor made, as the engine reports it.
 *
 * @param id         the engine's id
 * @param name       its name
 * @param driver     {@code bridge}
 * @param subnet     its IPv4 subnet, when it has one
 * @param internal   whether it is cut off from the outside
 * @param labels     its labels, the operator's (Raptor's own are left out)
 * @param containers the names of the containers attached to it now
 * @param createdAt  when it was made (null when the engine does not say)
 */
public record NetworkInfo(String id, String name, String driver, String subnet, boolean internal, Map<String, String> labels,
                          List<String> containers, Instant createdAt) {
    public NetworkInfo {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        containers = containers == null ? List.of() : List.copyOf(containers);
    }
}
