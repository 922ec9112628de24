package dev.raptor.wire.server;

import java.math.BigDecimal;
import java.time.Duration;

/** Durations on the wire: a number of seconds, whole when it is whole ({@code 30}), else a decimal ({@code 2.5}). */
public final class Seconds {
    private Seconds() {
    }

    public static BigDecimal of(Duration d) {
        if (d.getNano() == 0) {
            return BigDecimal.valueOf(d.getSeconds());
        }
        return new BigDecimal(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9)).stripTrailingZeros();
    }

    /** The duration a number of seconds names (fractions to the nanosecond). */
    public static Duration toDuration(BigDecimal seconds) {
        return Duration.ofNanos(seconds.movePointRight(9).longValue());
    }
}
