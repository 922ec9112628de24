package dev.raptor.core.runtime;

import java.util.Objects;

/**
 * One resource reading taken on demand ({@link ContainerRuntime#readStats}), for servers nobody watches live.
 *
 * @param sample        the reading; its {@link StatsSample#cpuAbsolute()} is the runtime's own figure (0 when a single
 *                      reading cannot tell, as the engine's one-shot cannot)
 * @param cpuTotalNanos the CPU time the container used since it started, in nanoseconds, so that whoever reads
 *                      twice computes the CPU between the two readings; -1 when the runtime does not tell
 */
public record StatsReading(StatsSample sample, long cpuTotalNanos) {

    public StatsReading {
        Objects.requireNonNull(sample, "sample");
    }

    /** Whether the CPU time since start is known. */
    public boolean knowsCpuTime() {
        return cpuTotalNanos >= 0;
    }
}
