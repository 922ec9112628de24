package dev.raptor.core.node;

import dev.raptor.core.operation.OperationProgress;
import dev.raptor.core.runtime.Deadline;

import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * What a runtime on many machines offers for moving a server, with its files, from one node to another
 * ({@code POST /servers/{id}/transfer}). The fleet refuses what cannot be moved, runs the {@link Transfer} as
 * maintenance on the server's controller (stopped meanwhile, started on the target if it ran) and has the source copy
 * removed only once the server is placed (and, when it ran, runs) on the target. Runtimes on one machine offer none
 * ({@link dev.raptor.core.runtime.ContainerRuntime#transfers()}).
 */
public interface NodeTransfers {
    /** The node the server and its files are on now; null when it was never placed (its files are nowhere yet). */
    String nodeOf(UUID serverId, Deadline deadline);

    /**
     * Where the server's files are, for their removal when the server is deleted: the node it is placed on, its volume
     * and its image; null when it was never placed (its files are nowhere yet). The fleet asks before it removes the
     * server's containers, removes the files through {@link #removeFiles}, and when the node cannot, records a
     * {@link PendingRemoval} with the delete and removes them once the node answers ({@link PendingRemovals}).
     *
     * @param generation when the server was created (tells it from a later server with the same id)
     */
    PendingRemoval.Target filesOf(UUID serverId, java.time.Instant generation, Path dataDir, Deadline deadline);

    /**
     * Removes a deleted server's files on the node {@code target} names, through that node (no service is needed: the
     * server is gone). Removing what is gone already succeeds.
     *
     * @throws Exception when the node could not remove them (it is down, or does not answer within {@code deadline})
     */
    void removeFiles(PendingRemoval.Target target, Deadline deadline) throws Exception;

    /**
     * The move of a stopped server's files and placement from {@code from} to {@code to}, not begun yet.
     *
     * @param dataDir  the server's data directory as this daemon knows it (its name is the server's volume on each node)
     * @param progress told of the copy as it goes (stage, bytes)
     */
    Transfer prepare(UUID serverId, Path dataDir, String from, String to, Consumer<OperationProgress> progress);

    /**
     * One move. {@link #run} copies the files to the target, verifies them there and pins the server to the target;
     * {@link #rollBack} (after a failed run or a boot on the target that failed) pins it back to the source and drops
     * the target's copy, so the server is whole on the source again; {@link #removeSource} runs last, only after
     * success.
     */
    interface Transfer extends dev.raptor.core.power.Upgrade {
        /** Removes the source node's copy of the files: called only once the server is on the target. */
        void removeSource() throws Exception;

        /** What was moved and verified, for the record ({@code bytes}, {@code sha256}); empty before {@link #run}. */
        java.util.Map<String, String> facts();
    }
}
