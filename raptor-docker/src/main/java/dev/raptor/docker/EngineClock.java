package dev.raptor.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Info;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * How the engine's clock stands against this machine's: the one place where the engine's time stamps (log
 * lines, events, a container's start and finish) and this machine's instants (a start request, a subscription,
 * an attach) are put on one time line.
 *
 * <p>An engine reached over {@code tcp://}, or a Swarm node's engine, runs on another host whose clock may be
 * minutes off. Compared as they are, an engine behind this machine would have a new run's ready line filtered
 * out as older than the start (a start never reported done until its timeout), its log history taken for live
 * output at the attach seam (console lines doubled), and an engine ahead would replay the previous run's lines
 * and events. So everything this runtime hands on is in this machine's time, and everything it sends is in the
 * engine's.
 *
 * <p><b>Measured, with an honest bound.</b> The offset is the engine's {@code /info} {@code SystemTime} minus
 * this machine's clock half-way between sending the request and reading its answer; the engine read its clock
 * somewhere in that round trip, so the offset is right within half of it (the {@linkplain #uncertainty()
 * uncertainty}). It is measured when the engine is first reached and again whenever the events stream
 * reconnects (an engine restart, a network break). Translations lean to the side that never loses anything:
 * an instant sent as a {@code since} is moved earlier by the uncertainty, and an engine stamp is placed at the
 * latest local instant it can stand for, so a line of this run is never placed before this run's start, and
 * a log message is never taken to come before an attach unless it surely did. Windows only ever widen: the
 * previous run's last lines within the uncertainty of a start (a millisecond on a LAN) may count as this run's.
 *
 * <p>Until the first measurement (and if the engine does not say its time) the clocks are taken to agree. An
 * engine on this machine's Unix socket reads the same kernel clock, so it is not measured at all: a measurement
 * could only add its round trip's uncertainty (on a loaded machine, tenths of a second by which a crash-looping
 * server's previous run could count as the new one's). Only a daemon clock other than the system's (the tests'
 * shifted one) has it measured there too.
 */
final class EngineClock {
    private static final Logger log = LoggerFactory.getLogger(EngineClock.class);

    /**
     * One measurement.
     *
     * @param offset      the engine's clock minus this machine's
     * @param uncertainty how far {@code offset} may be off either way (half the round trip, at least the
     *                    precision of the engine's stamps)
     */
    record Reading(Duration offset, Duration uncertainty) {
        static final Reading AGREED = new Reading(Duration.ZERO, Duration.ZERO);

        /** See {@link EngineClock#toEngine}. */
        Instant toEngine(Instant localInstant) {
            return localInstant == null || this == AGREED ? localInstant : localInstant.plus(offset).minus(uncertainty);
        }

        /** See {@link EngineClock#toLocal}. */
        Instant toLocal(Instant engineStamp) {
            return engineStamp == null || this == AGREED ? engineStamp : engineStamp.minus(offset).plus(uncertainty);
        }
    }

    /** The engine stamps to the nanosecond, but says its time through a clock no finer than a microsecond. */
    private static final Duration STAMP_PRECISION = Duration.ofNanos(1_000);

    private final Clock local;
    private final boolean measured;
    private volatile Reading reading = Reading.AGREED;

    /** An engine whose clock is measured ({@link #measure}) against {@code local}. */
    EngineClock(Clock local) {
        this(local, true);
    }

    /** @param measured false for an engine known to read this machine's clock: {@link #measure} then does nothing */
    EngineClock(Clock local, boolean measured) {
        this.local = local;
        this.measured = measured;
    }

    /** The engine at {@code config}'s address, on {@code config}'s clock: measured unless it surely shares this one. */
    static EngineClock of(DockerRuntimeConfig config) {
        return new EngineClock(config.clock(), !(config.unixSocket() && config.clock().equals(Clock.systemUTC())));
    }

    /** This machine's clock, as the daemon reads it. */
    Instant now() {
        return local.instant();
    }

    /** The current measurement: a stream translates all its stamps with one, so they never go backwards. */
    Reading reading() {
        return reading;
    }

    /** How far a translated instant may be off either way. */
    Duration uncertainty() {
        return reading.uncertainty();
    }

    /**
     * The engine's time for {@code localInstant}, as a lower bound: a {@code since} sent to the engine that
     * widens the window by the uncertainty rather than narrowing it. Null stays null.
     */
    Instant toEngine(Instant localInstant) {
        return reading.toEngine(localInstant);
    }

    /**
     * This machine's time for the engine's {@code engineStamp}, as an upper bound (the latest local instant it
     * can stand for): the inverse of {@link #toEngine}, so an instant sent and a stamp read back compare exactly.
     * Null stays null.
     */
    Instant toLocal(Instant engineStamp) {
        return reading.toLocal(engineStamp);
    }

    /**
     * Asks the engine for its time ({@code GET /info}) and keeps the offset. Blocking I/O: call it only where a
     * deadline guards the thread. An engine that does not say its time (or fails to answer) leaves the last reading:
     * the call that needed the engine fails on its own if it is away.
     */
    void measure(DockerClient calls) {
        if (!measured) {
            return;
        }
        Instant sent = local.instant();
        long sentNanos = System.nanoTime();
        Info info;
        try {
            info = calls.infoCmd().exec();
        } catch (RuntimeException e) {
            log.warn("the docker engine's clock could not be measured; keeping offsetMs={} cause={}",
                    reading.offset().toMillis(), e.toString());
            return;
        }
        long roundTrip = System.nanoTime() - sentNanos;
        Instant engine = parse(info == null ? null : info.getSystemTime());
        if (engine == null) {
            log.warn("the docker engine did not say its time; its stamps are taken as this machine's");
            return;
        }
        Duration half = Duration.ofNanos(roundTrip / 2 + roundTrip % 2);
        Duration offset = Duration.between(sent.plus(half), engine);
        Reading fresh = new Reading(offset, half.plus(STAMP_PRECISION));
        Reading before = reading;
        reading = fresh;
        if (before == Reading.AGREED ? offset.abs().compareTo(Duration.ofSeconds(1)) >= 0
                : offset.minus(before.offset()).abs().compareTo(Duration.ofSeconds(1)) >= 0) {
            log.warn("the docker engine's clock differs from this machine's; its stamps are translated offsetMs={} "
                    + "uncertaintyMs={}", offset.toMillis(), fresh.uncertainty().toMillis());
        } else {
            log.debug("docker engine clock measured offsetNanos={} uncertaintyNanos={}", offset.toNanos(),
                    fresh.uncertainty().toNanos());
        }
    }

    private static Instant parse(String systemTime) {
        if (systemTime == null || systemTime.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(systemTime.strip()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
