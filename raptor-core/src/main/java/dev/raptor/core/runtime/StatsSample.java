package dev.raptor.core.runtime;

import java.time.Instant;
import java.util.UUID;

/**
 * One resource reading of a running server.
 *
 * @param serverId         whose
 * @param at               when
 * @param memoryBytes      memory in use (without page cache where the engine can tell)
 * @param memoryLimitBytes the limit, or the machine's memory when unlimited
 * @param cpuAbsolute      CPU use in percent of one core (200 = two cores busy), from the engine's delta formula
 * @param rxBytes          network bytes received since start
 * @param txBytes          network bytes sent since start
 * @param pids             number of processes/threads
 */
public record StatsSample(UUID serverId, Instant at, long memoryBytes, long memoryLimitBytes, double cpuAbsolute,
                          long rxBytes, long txBytes, long pids) {
}
