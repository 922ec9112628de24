package dev.raptor.wire.stats;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.raptor.wire.game.GameStatusDocument;

import java.time.Instant;
import java.util.UUID;

/**
 * {@code GET /servers/{id}/stats}: one reading of a server's resources; zeros and {@code "running": false}
 * while it is offline.
 *
 * @param running     whether the engine's reading is in it
 * @param cpuAbsolute percent of one core (200 = two cores busy)
 * @param pids        processes and threads
 * @param diskBytes   size of the server's data directory as last measured
 * @param game        players, version and MOTD as the game last said, for a spec with a {@code query}; absent otherwise
 */
public record StatsDocument(UUID serverId, String state, boolean running, Instant at, long memoryBytes,
                            long memoryLimitBytes, double cpuAbsolute, Network network, long pids, long uptimeSeconds,
                            long diskBytes, @JsonInclude(JsonInclude.Include.NON_NULL) GameStatusDocument game) {

    /** Bytes received and sent since the run started. */
    public record Network(long rxBytes, long txBytes) {
    }
}
