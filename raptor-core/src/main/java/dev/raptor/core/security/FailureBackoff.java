package dev.raptor.core.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Failed attempts counted per key (a client address, a login name) within a window; past a limit the key backs
 * off: {@link #blocked} says for how long, and the caller refuses it unchecked until then. Each failure after a
 * back-off ended doubles the next one, up to a maximum; failures older than the window are forgotten. The one
 * brute-force guard of the node: SFTP/FTP logins ({@code LoginThrottle}) and the HTTP API's credentials
 * ({@code FailedAuthLimit}) both count on it.
 *
 * <p>Memory is bounded: past {@link Settings#maxTracked} keys, keys without a back-off are dropped first. Nothing
 * here sleeps or does I/O, so a request that is not refused never waits. Thread-safe.
 */
public final class FailureBackoff {

    /**
     * @param limit        failures of one key within {@code window} before it backs off
     * @param window       how long a failure counts
     * @param firstBackoff the first back-off; each failure past the limit doubles it
     * @param maxBackoff   the longest back-off
     * @param maxTracked   keys remembered at most
     */
    public record Settings(int limit, Duration window, Duration firstBackoff, Duration maxBackoff, int maxTracked) {
        public Settings {
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(firstBackoff, "firstBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be at least 1 (was " + limit + ")");
            }
            if (window.isNegative() || window.isZero() || firstBackoff.isNegative() || firstBackoff.isZero()
                    || maxBackoff.compareTo(firstBackoff) < 0) {
                throw new IllegalArgumentException("window and back-offs must be positive, the first at most the longest");
            }
        }
    }

    /** What a failure did to its key: counted, or (this failure) started or lengthened a back-off. */
    public record Failure(int failures, Optional<Duration> backoffStarted) {
    }

    private record Counter(int failures, Instant firstFailure, Instant blockedUntil, Duration backoff) {
        boolean blocked(Instant now) {
            return blockedUntil != null && now.isBefore(blockedUntil);
        }

        /** The failures are forgotten a window after this. */
        Instant lastSeen() {
            return blockedUntil != null && blockedUntil.isAfter(firstFailure) ? blockedUntil : firstFailure;
        }
    }

    private final Settings settings;
    private final Clock clock;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    public FailureBackoff(Settings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Settings settings() {
        return settings;
    }

    /** How long {@code key} still backs off, or empty when it may try now. */
    public Optional<Duration> backoffLeft(String key) {
        Instant now = clock.instant();
        Counter c = counters.get(key);
        return c == null || !c.blocked(now) ? Optional.empty() : Optional.of(Duration.between(now, c.blockedUntil()));
    }

    /** Like {@link #backoffLeft}, counting the attempt as refused when the key backs off. */
    public Optional<Duration> blocked(String key) {
        Optional<Duration> left = backoffLeft(key);
        if (left.isPresent()) {
            refused.incrementAndGet();
        }
        return left;
    }

    /** Counts a failed attempt of {@code key}. */
    public Failure failed(String key) {
        failed.incrementAndGet();
        Instant now = clock.instant();
        if (counters.size() >= settings.maxTracked()) {
            prune(now);
        }
        Counter c = counters.compute(key, (k, old) -> {
            if (old == null || (!old.blocked(now) && old.lastSeen().plus(settings.window()).isBefore(now))) {
                old = new Counter(0, now, null, null);
            }
            int failures = old.failures() + 1;
            if (failures < settings.limit()) {
                return new Counter(failures, old.firstFailure(), old.blockedUntil(), old.backoff());
            }
            Duration backoff = old.backoff() == null ? settings.firstBackoff() : min(old.backoff().multipliedBy(2), settings.maxBackoff());
            return new Counter(failures, old.firstFailure(), now.plus(backoff), backoff);
        });
        boolean started = c.blockedUntil() != null && c.blockedUntil().equals(now.plus(c.backoff()));
        return new Failure(c.failures(), started ? Optional.of(c.backoff()) : Optional.empty());
    }

    /** Forgets {@code key}'s failures (a success, where the caller's policy says a success clears them). */
    public void clear(String key) {
        counters.remove(key);
    }

    /** Failed attempts since start. */
    public long failures() {
        return failed.get();
    }

    /** Attempts refused unchecked because their key was backing off, since start. */
    public long refusals() {
        return refused.get();
    }

    /** Keys backing off now. */
    public int blockedKeys() {
        Instant now = clock.instant();
        return (int) counters.values().stream().filter(c -> c.blocked(now)).count();
    }

    private void prune(Instant now) {
        counters.entrySet().removeIf(e -> !e.getValue().blocked(now) && e.getValue().lastSeen().plus(settings.window()).isBefore(now));
        if (counters.size() >= settings.maxTracked()) {
            counters.entrySet().removeIf(e -> !e.getValue().blocked(now));
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
