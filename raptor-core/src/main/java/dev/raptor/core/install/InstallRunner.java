package dev.raptor.core.install;

import dev.raptor.core.runtime.Deadline;

import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Runs install scripts on one runtime: Docker (a helper container {@code raptor-<id>-installer} of the install
 * image, labelled {@code dev.raptor.installer=<id>}, the server's volume at {@code /mnt/server} and the script at
 * {@code /mnt/install/install.sh}) or the process runtime ({@code /bin/sh} in the server's directory as the server
 * user). Helpers are never the server's own container: they carry no {@code dev.raptor.server} label, so the
 * controller and boot reconciliation never take one for the server.
 */
public interface InstallRunner {

    /**
     * Runs {@code job} to its end, handing each line of its output (stdout and stderr) to {@code output} as it comes.
     * The helper is removed before this returns, however it ends.
     *
     * @return the script's exit code
     * @throws InterruptedException when interrupted (a kill or delete cancelled the install, or the daemon stops):
     *                              the helper is removed first
     * @throws InstallException     when the helper could not be made, started or waited for, or ran past the deadline
     */
    int run(InstallJob job, Consumer<String> output, Deadline deadline) throws InterruptedException;

    /**
     * Removes helpers an earlier daemon left (it stopped or crashed mid-install), found by label.
     *
     * @return the servers they were installing
     */
    List<UUID> removeLeftovers(Deadline deadline);
}
