package dev.raptor.core.node;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A deleted server's files that its node could not remove when the server was deleted (the node was down or did not
 * answer): recorded in the same transaction that deletes the server ({@link dev.raptor.core.server.ServerStore#delete(UUID,
 * Target)}), so a crash between the two can lose neither, and removed through the node once it answers again
 * ({@link PendingRemovals}).
 *
 * <p>A record names the volume (the directory on the node) and the server's generation: the time the deleted server was
 * created. A new server that reuses the id is another generation, so a stale record never removes its files.
 *
 * @param id          the record's own id
 * @param target      what to remove, and where
 * @param since       when the server was deleted
 * @param attempts    failed attempts so far (the one at delete included)
 * @param nextAttempt when the next attempt is due
 * @param lastError   why the last attempt failed
 */
public record PendingRemoval(long id, Target target, Instant since, int attempts, Instant nextAttempt, String lastError) {
    public PendingRemoval {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(nextAttempt, "nextAttempt");
    }

    /**
     * A server's files on a node.
     *
     * @param serverId   the deleted server
     * @param generation when that server was created (tells it from a later server with the same id)
     * @param node       the node that holds them
     * @param volume     the server's data directory as this daemon knows it (the node's own path is derived from it)
     * @param image      the server's image (what a node without the runtime's helper image makes its helper of)
     * @param reason     why they could not be removed at the delete
     */
    public record Target(UUID serverId, Instant generation, String node, String volume, String image, String reason) {
        public Target {
            Objects.requireNonNull(serverId, "serverId");
            Objects.requireNonNull(generation, "generation");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(volume, "volume");
            Objects.requireNonNull(image, "image");
            reason = reason == null ? "" : reason;
        }
    }
}
