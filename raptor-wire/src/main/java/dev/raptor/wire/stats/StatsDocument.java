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
 * @param diskBytes   bytes the server's files use as last measured (0 while unknown; {@code disk} says more)
 * @param disk        the disk usage with its age and the quota
 * @param game        players, version and MOTD as the game last said, for a spec with a {@code query}; absent otherwise
 */
public record StatsDocument(UUID serverId, String state, boolean running, Instant at, long memoryBytes,
                            long memoryLimitBytes, double cpuAbsolute, Network network, long pids, long uptimeSeconds,
                            long diskBytes, Disk disk, @JsonInclude(JsonInclude.Include.NON_NULL) GameStatusDocument game) {

    /** Bytes received and sent since the run started. */
    public record Network(long rxBytes, long txBytes) {
    }

    /**
     * The disk usage of the server's files, measured in the background and never waited for.
     *
     * @param usedBytes  bytes used (hard links counted once), null before the first measurement finished
     * @param limitBytes the quota ({@code limits.diskMiB}), 0 = none
     * @param measuredAt when the last measurement finished (Raptor's own writes since are counted in), null while unknown
     * @param ageSeconds how old that measurement is, null while unknown
     * @param scanning   whether a measurement runs now
     */
    public record Disk(@JsonInclude(JsonInclude.Include.ALWAYS) Long usedBytes, long limitBytes,
                       @JsonInclude(JsonInclude.Include.ALWAYS) Instant measuredAt,
                       @JsonInclude(JsonInclude.Include.ALWAYS) Long ageSeconds, boolean scanning) {
    }
}
