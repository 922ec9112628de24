package dev.raptor.sftp.login;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The brute-force guard of SFTP and FTP logins. Failures are counted per client address and per login name; past
 * a limit, that address (or name) backs off: every attempt is refused unchecked until the back-off ends, and each
 * further failure after it doubles the back-off (up to a maximum). A success clears its address and its name. A
 * counter forgets failures older than the window. Blocking starts are logged (once per block, not per attempt).
 * Memory is bounded: past {@link Settings#maxTracked} entries, entries without a block are dropped first.
 * Thread-safe; no I/O.
 */
public final class LoginThrottle implements LoginThrottleStats {
    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

    /**
     * @param addressLimit failures from one address within {@code window} before it backs off
     * @param userLimit    failures for one login name within {@code window} before it backs off
     * @param window       how long a failure counts
     * @param firstBackoff the first back-off; each failure past the limit doubles it
     * @param maxBackoff   the longest back-off
     * @param maxTracked   addresses and names remembered at most (each)
     */
    public record Settings(int addressLimit, int userLimit, Duration window, Duration firstBackoff, Duration maxBackoff,
                           int maxTracked) {
        /** 10 failures per address, 5 per name, within 15 minutes; back-off from 2 s up to 15 minutes. */
        public static final Settings DEFAULTS = new Settings(10, 5, Duration.ofMinutes(15), Duration.ofSeconds(2),
                Duration.ofMinutes(15), 100_000);
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
    private final Map<String, Counter> byAddress = new ConcurrentHashMap<>();
    private final Map<String, Counter> byUser = new ConcurrentHashMap<>();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();

    public LoginThrottle(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** Whether an attempt from {@code address} for {@code loginName} may be checked now; counts it when not. */
    public boolean allows(String address, String loginName) {
        Instant now = clock.instant();
        Counter a = byAddress.get(address);
        Counter u = byUser.get(key(loginName));
        if ((a != null && a.blocked(now)) || (u != null && u.blocked(now))) {
            throttled.incrementAndGet();
            return false;
        }
        return true;
    }

    /** How long {@code address} and {@code loginName} still back off (zero when they may try). */
    public Duration backoffLeft(String address, String loginName) {
        Instant now = clock.instant();
        Instant until = later(until(byAddress.get(address)), until(byUser.get(key(loginName))));
        return until == null || !now.isBefore(until) ? Duration.ZERO : Duration.between(now, until);
    }

    public void failed(String address, String loginName) {
        failed.incrementAndGet();
        Instant now = clock.instant();
        record(byAddress, address, settings.addressLimit(), now, "address");
        record(byUser, key(loginName), settings.userLimit(), now, "login");
    }

    public void succeeded(String address, String loginName) {
        byAddress.remove(address);
        byUser.remove(key(loginName));
    }

    private void record(Map<String, Counter> map, String key, int limit, Instant now, String what) {
        if (map.size() >= settings.maxTracked()) {
            prune(map, now);
        }
        Counter c = map.compute(key, (k, old) -> {
            if (old == null || (!old.blocked(now) && old.lastSeen().plus(settings.window()).isBefore(now))) {
                old = new Counter(0, now, null, null);
            }
            int failures = old.failures() + 1;
            if (failures < limit) {
                return new Counter(failures, old.firstFailure(), old.blockedUntil(), old.backoff());
            }
            Duration backoff = old.backoff() == null ? settings.firstBackoff() : min(old.backoff().multipliedBy(2), settings.maxBackoff());
            return new Counter(failures, old.firstFailure(), now.plus(backoff), backoff);
        });
        if (c.blockedUntil() != null && c.blockedUntil().equals(now.plus(c.backoff()))) {
            log.atWarn().addKeyValue(what, key).addKeyValue("failures", c.failures()).addKeyValue("backoff", c.backoff())
                    .log("too many failed file-transfer logins: backing off");
        }
    }

    private void prune(Map<String, Counter> map, Instant now) {
        map.entrySet().removeIf(e -> !e.getValue().blocked(now) && e.getValue().lastSeen().plus(settings.window()).isBefore(now));
        if (map.size() >= settings.maxTracked()) {
            map.entrySet().removeIf(e -> !e.getValue().blocked(now));
        }
    }

    private static String key(String loginName) {
        return loginName == null ? "" : loginName;
    }

    private static Instant until(Counter c) {
        return c == null ? null : c.blockedUntil();
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public long failedLogins() {
        return failed.get();
    }

    @Override
    public long throttledLogins() {
        return throttled.get();
    }

    @Override
    public int blockedAddresses() {
        Instant now = clock.instant();
        return (int) byAddress.values().stream().filter(c -> c.blocked(now)).count();
    }

    @Override
    public int blockedUsers() {
        Instant now = clock.instant();
        return (int) byUser.values().stream().filter(c -> c.blocked(now)).count();
    }
}
