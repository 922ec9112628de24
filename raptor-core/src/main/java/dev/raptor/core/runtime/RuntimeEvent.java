package dev.raptor.core.runtime;

import java.time.Instant;

/** A fact the engine pushes about a container Raptor owns. Controllers react; they never guess. */
public sealed interface RuntimeEvent {
    ContainerRef ref();

    Instant at();

    /** The container's main process started. */
    record Started(ContainerRef ref, Instant at) implements RuntimeEvent {
    }

    /** The container's main process ended. */
    record Exited(ContainerRef ref, Instant at, int exitCode, boolean oomKilled) implements RuntimeEvent {
    }

    /** The container's health check reached a new verdict (Docker's {@code health_status} event). */
    record HealthChanged(ContainerRef ref, Instant at, ContainerHealth health) implements RuntimeEvent {
    }

    /** The container is gone (removed by Raptor or behind its back). */
    record Removed(ContainerRef ref, Instant at) implements RuntimeEvent {
    }
}
