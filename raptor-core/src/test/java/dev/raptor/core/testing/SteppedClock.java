package dev.raptor.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The system clock, which a test may step forward: for a component that must run on real time (a node serving real
 * requests) and whose expiries a test reaches by stepping past them instead of waiting for them, so that no short
 * window can run out early on a busy machine. Only ever moves forward. Thread-safe.
 */
public final class SteppedClock extends Clock {
    private final AtomicReference<Duration> ahead = new AtomicReference<>(Duration.ZERO);

    /** Moves this clock {@code d} further ahead of the system clock. */
    public void step(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a stepped clock only moves forward");
        }
        ahead.updateAndGet(a -> a.plus(d));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(ahead.get());
    }
}
