package dev.raptor.core.runtime;

import java.time.Duration;

/**
 * A point in time by which an external call must have answered (rule 3: every external call has a
 * deadline). Monotonic: based on {@link System#nanoTime()}, immune to wall-clock jumps.
 */
public record Deadline(long atNanos) {

    public static Deadline in(Duration timeout) {
        return new Deadline(System.nanoTime() + Math.max(0, timeout.toNanos()));
    }

    public static Deadline inSeconds(long seconds) {
        return in(Duration.ofSeconds(seconds));
    }

    /** Time left, never negative. */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, atNanos - System.nanoTime()));
    }

    public long remainingMillis() {
        return Math.max(0, (atNanos - System.nanoTime()) / 1_000_000);
    }

    public boolean expired() {
        return atNanos - System.nanoTime() <= 0;
    }

    /** The earlier of this deadline and one {@code timeout} from now. */
    public Deadline atMost(Duration timeout) {
        long other = System.nanoTime() + timeout.toNanos();
        return other - atNanos < 0 ? new Deadline(other) : this;
    }
}
