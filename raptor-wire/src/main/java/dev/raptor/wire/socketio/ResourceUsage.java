package dev.raptor.wire.socketio;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A server's resource reading, as {@code get_status} and the {@code stats} event show it.
 *
 * @param memoryBytes      memory in use
 * @param memoryLimitBytes its limit, 0 when unlimited
 * @param cpuPercent       CPU in percent of one core
 * @param networkRxBytes   received since the run started
 * @param networkTxBytes   sent since the run started
 * @param diskBytes        the size of its files, as last measured
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ResourceUsage(long memoryBytes, long memoryLimitBytes, double cpuPercent, long networkRxBytes,
                            long networkTxBytes, long diskBytes) {
}
