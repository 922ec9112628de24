package dev.raptor.core.stats;

import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of the {@link StatsHub}.
 *
 * @param publishEvery      how often subscribers get the latest reading
 * @param engineTimeout     how long a one-shot {@link StatsHub#snapshot} waits for the engine's reading
 * @param recheckEvery      how often a watched server without an open stream is looked at again
 */
public record StatsSettings(Duration publishEvery, Duration engineTimeout, Duration recheckEvery) {

    public StatsSettings {
        Objects.requireNonNull(publishEvery, "publishEvery");
        Objects.requireNonNull(engineTimeout, "engineTimeout");
        Objects.requireNonNull(recheckEvery, "recheckEvery");
        if (publishEvery.isNegative() || publishEvery.isZero()) {
            throw new IllegalArgumentException("publishEvery must be positive");
        }
    }

    public static StatsSettings defaults() {
        return new StatsSettings(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(5));
    }

    public StatsSettings withPublishEvery(Duration every) {
        return new StatsSettings(every, engineTimeout, recheckEvery);
    }

    public StatsSettings withRecheckEvery(Duration every) {
        return new StatsSettings(publishEvery, engineTimeout, every);
    }
}
