package dev.raptor.core.server;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A server as the store knows it.
 *
 * @param spec      the current spec
 * @param version   spec version, 1 on create, bumped by every spec change (optimistic concurrency)
 * @param desired   desired power state, written before any engine call
 * @param createdAt when the server was created
 * @param updatedAt when the spec or desired state last changed
 */
public record StoredServer(ServerSpec spec, long version, DesiredState desired, Instant createdAt, Instant updatedAt) {
    public StoredServer {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(desired, "desired");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public UUID id() {
        return spec.id();
    }
}
