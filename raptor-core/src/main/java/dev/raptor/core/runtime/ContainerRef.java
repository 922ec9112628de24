package dev.raptor.core.runtime;

import java.util.Objects;
import java.util.UUID;

/**
 * Handle of one container (or supervised process) of one server. The id is the engine's; it may go
 * stale, which is why containers are always re-found by label (rule 6).
 *
 * @param id       engine id (Docker container id; for the process runtime its own id)
 * @param name     deterministic name, {@code raptor-<uuid>}
 * @param serverId the server it belongs to, from its {@code dev.raptor.server} label
 */
public record ContainerRef(String id, String name, UUID serverId) {
    public ContainerRef {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(serverId, "serverId");
    }
}
