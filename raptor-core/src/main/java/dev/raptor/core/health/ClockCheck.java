package dev.raptor.core.health;

import dev.raptor.core.runtime.Deadline;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The wall clock is sane: not before {@code notBefore} (a clock reset to 1970 or to a board's default
 * breaks tokens, TLS and every time stamp: unhealthy), and it has not jumped since the daemon started
 * by more than {@code maxDrift} against the monotonic clock (degraded: an NTP step, or a suspended
 * machine, says the detail).
 */
public final class ClockCheck implements NodeCheck {
    private final Clock wall;
    private final Instant notBefore;
    private final Duration maxDrift;
    private final Instant wallAtStart;
    private final long nanosAtStart;

    public ClockCheck(Clock wall, Instant notBefore, Duration maxDrift) {
        this.wall = wall;
        this.notBefore = notBefore;
        this.maxDrift = maxDrift;
        this.wallAtStart = wall.instant();
        this.nanosAtStart = System.nanoTime();
    }

    @Override
    public String name() {
        return "clock";
    }

    @Override
    public Finding run(Deadline deadline) {
        Instant now = wall.instant();
        if (now.isBefore(notBefore)) {
            return Finding.unhealthy("the wall clock says " + now + ", before " + notBefore + ": it was reset");
        }
        Duration wallElapsed = Duration.between(wallAtStart, now);
        Duration monotonic = Duration.ofNanos(System.nanoTime() - nanosAtStart);
        Duration drift = wallElapsed.minus(monotonic).abs();
        if (drift.compareTo(maxDrift) > 0) {
            return Finding.degraded("the wall clock moved " + drift.toMillis() + " ms against the monotonic clock since the daemon "
                    + "started (more than " + maxDrift.toMillis() + " ms: stepped, or the machine was suspended)");
        }
        return Finding.healthy(now + ", " + drift.toMillis() + " ms from the monotonic clock since start");
    }
}
