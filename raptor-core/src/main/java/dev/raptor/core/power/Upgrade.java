package dev.raptor.core.power;

import java.time.Duration;

/**
 * Maintenance that replaces what a server runs by a new version and can take it back: an update. The controller
 * runs {@link #run()} with the server stopped (it backs the files up and swaps the new version in), starts the
 * server and waits at most {@link #readyWithin()} for it to be ready; when the apply fails, the boot crashes or the
 * deadline passes, it kills whatever runs, calls {@link #rollBack} (the server stopped again) and starts the
 * previous version. Both run on a platform thread of their own, interrupted when the daemon shuts down.
 */
public interface Upgrade extends Maintenance {
    /** How long the new version may take to print its ready line (or last its settle window) after its start. */
    Duration readyWithin();

    /**
     * Puts the previous version's files back (the server is stopped). Called after a failed {@link #run()} too, which
     * may have failed before it changed anything: then there is nothing to undo.
     *
     * @param reason why the new version is rolled back, for the record
     */
    void rollBack(String reason) throws Exception;

    /** How a failed apply is told: "the new version could not be applied" for an update. */
    default String applyFailed() {
        return "the new version could not be applied";
    }

    /** How a failed boot of what was applied is told: "the new version did not come up" for an update. */
    default String bootFailed() {
        return "the new version did not come up";
    }

    /** How the state after a rollback is told, when the server ran: "the previous version runs again" for an update. */
    default String runsAgain() {
        return "the previous version runs again";
    }
}
