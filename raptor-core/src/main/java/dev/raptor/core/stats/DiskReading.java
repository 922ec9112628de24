package dev.raptor.core.stats;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A server's disk usage as last known.
 *
 * @param bytes      bytes its files use; empty before the first measurement finished
 * @param measuredAt when the last measurement finished (the figure includes Raptor's own writes since); null while unknown
 * @param scanning   whether a measurement is running now
 * @param limitBytes its quota ({@code limits.diskMiB}), 0 = none
 */
public record DiskReading(OptionalLong bytes, Instant measuredAt, boolean scanning, long limitBytes) {
    public static final DiskReading UNKNOWN = new DiskReading(OptionalLong.empty(), null, false, 0);

    public DiskReading {
        Objects.requireNonNull(bytes, "bytes");
    }

    /** The bytes, or 0 while unknown (for documents that always carry a number). */
    public long bytesOrZero() {
        return bytes.orElse(0);
    }

    /** How old the measurement is at {@code now}; null while unknown. */
    public Duration age(Instant now) {
        return measuredAt == null ? null : Duration.between(measuredAt, now).isNegative() ? Duration.ZERO : Duration.between(measuredAt, now);
    }
}
