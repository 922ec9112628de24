package dev.raptor.core.runtime;

import java.time.Instant;

/**
 * A fact the engine pushes: about a container Raptor owns ({@link ContainerEvent}), or about the engine
 * itself going away and coming back. Controllers react; they never guess.
 */
public sealed interface RuntimeEvent {
    Instant at();

    /** A fact about one container Raptor owns. */
    sealed interface ContainerEvent extends RuntimeEvent {
        ContainerRef ref();
    }

    /** The container's main process started. */
    record Started(ContainerRef ref, Instant at) implements ContainerEvent {
    }

    /** The container's main process ended. */
    record Exited(ContainerRef ref, Instant at, int exitCode, boolean oomKilled) implements ContainerEvent {
    }

    /** The container's health check reached a new verdict (Docker's {@code health_status} event). */
    record HealthChanged(ContainerRef ref, Instant at, ContainerHealth health) implements ContainerEvent {
    }

    /** The container is gone (removed by Raptor or behind its back). */
    record Removed(ContainerRef ref, Instant at) implements ContainerEvent {
    }

    /**
     * The engine is going away (it is stopping, as a package upgrade stops it) or its event stream broke. From
     * {@code at} on, events may be missing, and a container that stops was stopped by the engine, not by
     * anybody's choice. Said once per interruption; a {@link EngineResumed} follows when it answers again.
     *
     * @param why what the runtime saw, for the log
     */
    record EngineInterrupted(Instant at, String why) implements RuntimeEvent {
    }

    /**
     * The engine answers again and its event stream is whole from {@code at} on: what happened since
     * {@code interruptedAt} was not all told, so everything should be looked at again (as at boot).
     */
    record EngineResumed(Instant at, Instant interruptedAt) implements RuntimeEvent {
    }
}
