package dev.raptor.files.usage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * A server's disk usage as last known, never waited for: the last scan's result plus what Raptor wrote and
 * deleted since. Before the first scan ever finishes the figure is unknown.
 *
 * @param bytes      bytes used by regular files (hard links counted once); empty while unknown
 * @param measuredAt when the last scan finished; null while unknown
 * @param scanning   whether a scan is running now
 * @param limitBytes the quota, 0 = none
 */
public record UsageFigure(OptionalLong bytes, Instant measuredAt, boolean scanning, long limitBytes) {

    public static UsageFigure unknown(boolean scanning, long limitBytes) {
        return new UsageFigure(OptionalLong.empty(), null, scanning, limitBytes);
    }

    public boolean known() {
        return bytes.isPresent();
    }

    /** How old the last scan is; empty while unknown. */
    public java.util.Optional<Duration> age(Clock clock) {
        return measuredAt == null ? java.util.Optional.empty() : java.util.Optional.of(Duration.between(measuredAt, clock.instant()));
    }

    /** Whether a known figure is above a set limit. */
    public boolean overLimit() {
        return limitBytes > 0 && bytes.isPresent() && bytes.getAsLong() > limitBytes;
    }
}
