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
    REMOVING,
    /**
     * The machine (cluster node) that runs it does not answer: its engine stopped or the cluster reports the node down.
     * Whether its process runs is not known; it is not started anywhere else meanwhile.
     */
    UNREACHABLE;

    public boolean isRunning() {
        return this == RUNNING || this == PAUSED;
    }
}
