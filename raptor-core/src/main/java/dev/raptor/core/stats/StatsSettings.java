package dev.raptor.core.stats;

import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of the {@link StatsHub}.
 *
 * @param publishEvery      how often subscribers get the latest reading
 * @param diskRefreshEvery  how old a watched server's disk usage may get before it is measured again
 * @param engineTimeout     how long a one-shot {@link StatsHub#snapshot} waits for the engine's reading
 * @param recheckEvery      how often a watched server without an open stream is looked at again
 * @param diskScansAtOnce   disk usage scans running at the same time, node-wide
 * @param warmFor           how long a server stays watched after a one-shot {@link StatsHub#snapshot}, so that the
 *                          next one (a client polling) is answered at once with a fresh reading; a remembered
 *                          reading older than five times this is not answered any more
 */
public record StatsSettings(Duration publishEvery, Duration diskRefreshEvery, Duration engineTimeout,
                            Duration recheckEvery, int diskScansAtOnce, Duration warmFor) {

    public StatsSettings {
        Objects.requireNonNull(publishEvery, "publishEvery");
        Objects.requireNonNull(diskRefreshEvery, "diskRefreshEvery");
        Objects.requireNonNull(engineTimeout, "engineTimeout");
        Objects.requireNonNull(recheckEvery, "recheckEvery");
        Objects.requireNonNull(warmFor, "warmFor");
        if (publishEvery.isNegative() || publishEvery.isZero()) {
            throw new IllegalArgumentException("publishEvery must be positive");
        }
        if (diskScansAtOnce < 1) {
            throw new IllegalArgumentException("diskScansAtOnce must be at least 1");
        }
    }

    public static StatsSettings defaults() {
        return new StatsSettings(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(3), Duration.ofSeconds(5), 2, Duration.ofSeconds(60));
    }

    public StatsSettings withPublishEvery(Duration every) {
        return new StatsSettings(every, diskRefreshEvery, engineTimeout, recheckEvery, diskScansAtOnce, warmFor);
    }

    public StatsSettings withDiskRefreshEvery(Duration every) {
        return new StatsSettings(publishEvery, every, engineTimeout, recheckEvery, diskScansAtOnce, warmFor);
    }

    public StatsSettings withEngineTimeout(Duration timeout) {
        return new StatsSettings(publishEvery, diskRefreshEvery, timeout, recheckEvery, diskScansAtOnce, warmFor);
    }

    public StatsSettings withWarmFor(Duration warm) {
        return new StatsSettings(publishEvery, diskRefreshEvery, engineTimeout, recheckEvery, diskScansAtOnce, warm);
    }

    public StatsSettings withRecheckEvery(Duration every) {
        return new StatsSettings(publishEvery, diskRefreshEvery, engineTimeout, every, diskScansAtOnce, warmFor);
    }
}
