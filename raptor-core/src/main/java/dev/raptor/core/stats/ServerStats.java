package dev.raptor.core.stats;

import dev.raptor.core.runtime.StatsSample;
import dev.raptor.core.server.ServerState;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * What a console shows about a server's resources at one moment: the engine's latest reading (zeros
 * while offline), uptime, state and the disk usage of its data directory.
 *
 * @param sampled      whether the engine's reading is in it (false while offline or before the first reading)
 * @param cpuAbsolute  percent of one core (200 = two cores busy)
 * @param pids         processes and threads
 * @param uptimeMillis time since the current run started; 0 while offline
 * @param disk         the disk usage of the server's files as last known, with when it was measured
 */
public record ServerStats(UUID serverId, Instant at, ServerState state, boolean sampled, long memoryBytes,
                          long memoryLimitBytes, double cpuAbsolute, long rxBytes, long txBytes, long pids,
                          long uptimeMillis, DiskReading disk) {

    static ServerStats of(UUID serverId, Instant now, ServerState state, Instant startedAt, StatsSample sample, DiskReading disk) {
        boolean up = state != ServerState.OFFLINE;
        long uptime = up && startedAt != null ? Math.max(0, Duration.between(startedAt, now).toMillis()) : 0;
        if (!up || sample == null) {
            return new ServerStats(serverId, now, state, false, 0, sample == null ? 0 : sample.memoryLimitBytes(), 0, 0, 0, 0,
                    uptime, disk);
        }
        return new ServerStats(serverId, now, state, true, sample.memoryBytes(), sample.memoryLimitBytes(), sample.cpuAbsolute(),
                sample.rxBytes(), sample.txBytes(), sample.pids(), uptime, disk);
    }

    /** Whether {@code other} shows the same thing (ignoring when it was taken). */
    boolean sameReadingAs(ServerStats other) {
        return other != null && state == other.state && sampled == other.sampled && memoryBytes == other.memoryBytes
                && memoryLimitBytes == other.memoryLimitBytes && Double.compare(cpuAbsolute, other.cpuAbsolute) == 0
                && rxBytes == other.rxBytes && txBytes == other.txBytes && pids == other.pids && uptimeMillis / 1000 == other.uptimeMillis / 1000
                && disk.equals(other.disk);
    }

    /** Bytes the server's files use as last measured, 0 while unknown. */
    public long diskBytes() {
        return disk.bytesOrZero();
    }
}
