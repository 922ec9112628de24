package dev.raptor.query;

import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of the {@link GameStatusPoller}.
 *
 * @param interval    how often each server is asked
 * @param timeout     how long one query may take, connect to answer
 * @param concurrency queries in flight at once, node-wide
 */
public record PollerSettings(Duration interval, Duration timeout, int concurrency) {
    public PollerSettings {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
    }

    /** Every 15 s, 3 s per query, 16 at once: a fleet's player counts stay fresh without a burst of sockets. */
    public static PollerSettings defaults() {
        return new PollerSettings(Duration.ofSeconds(15), Duration.ofSeconds(3), 16);
    }
}
