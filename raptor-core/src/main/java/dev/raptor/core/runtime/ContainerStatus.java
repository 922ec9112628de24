package dev.raptor.core.runtime;

/** A container's state as the engine reports it. */
public enum ContainerStatus {
    /** Created, never started (or reset). */
    CREATED,
    /** Its main process runs. */
    RUNNING,
    /** Frozen by the engine. */
    PAUSED,
    /** Exited; {@link ContainerInfo#exitCode()} says how. */
    EXITED,
    /** Being removed, or dead and waiting to be removed. */
    REMOVING;

    public boolean isRunning() {
        return this == RUNNING || this == PAUSED;
    }
}
