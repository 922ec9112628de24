package dev.raptor.sftp.login;

import dev.raptor.core.security.FailureBackoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The brute-force guard of SFTP and FTP logins. Failures are counted per client address and per login name; past
 * a limit, that address (or name) backs off: every attempt is refused unchecked until the back-off ends, and each
 * further failure after it doubles the back-off (up to a maximum). A success clears its address and its name. A
 * counter forgets failures older than the window. Blocking starts are logged (once per block, not per attempt).
 * Memory is bounded: past {@link Settings#maxTracked} entries, entries without a block are dropped first.
 * Thread-safe; no I/O. The counting is the node's one brute-force guard, {@link FailureBackoff}, once per address
 * and once per login name.
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

    private final FailureBackoff byAddress;
    private final FailureBackoff byUser;
    /** By protocol: the guard is one (an address blocked over FTP is blocked over SFTP too), its counts are not. */
    private final Map<TransferProtocol, AtomicLong> failed = counters();
    private final Map<TransferProtocol, AtomicLong> throttled = counters();

    public LoginThrottle(Settings settings, Clock clock) {
        this.byAddress = new FailureBackoff(new FailureBackoff.Settings(settings.addressLimit(), settings.window(),
                settings.firstBackoff(), settings.maxBackoff(), settings.maxTracked()), clock);
        this.byUser = new FailureBackoff(new FailureBackoff.Settings(settings.userLimit(), settings.window(),
                settings.firstBackoff(), settings.maxBackoff(), settings.maxTracked()), clock);
    }

    private static Map<TransferProtocol, AtomicLong> counters() {
        Map<TransferProtocol, AtomicLong> m = new EnumMap<>(TransferProtocol.class);
        for (TransferProtocol p : TransferProtocol.values()) {
            m.put(p, new AtomicLong());
        }
        return m;
    }

    /**
     * Whether an attempt from {@code address} for {@code loginName} may be checked now; counts it (under its protocol)
     * when not.
     */
    public boolean allows(String address, String loginName, TransferProtocol protocol) {
        if (byAddress.backoffLeft(address).isPresent() || byUser.backoffLeft(key(loginName)).isPresent()) {
            throttled.get(protocol).incrementAndGet();
            return false;
        }
        return true;
    }

    /** How long {@code address} and {@code loginName} still back off (zero when they may try). */
    public Duration backoffLeft(String address, String loginName) {
        Duration a = byAddress.backoffLeft(address).orElse(Duration.ZERO);
        Duration u = byUser.backoffLeft(key(loginName)).orElse(Duration.ZERO);
        return a.compareTo(u) >= 0 ? a : u;
    }

    /** A refused attempt over {@code protocol}: counts towards its address's and its name's back-off. */
    public void failed(String address, String loginName, TransferProtocol protocol) {
        failed.get(protocol).incrementAndGet();
        logBackoff(byAddress.failed(address), "address", address);
        logBackoff(byUser.failed(key(loginName)), "login", key(loginName));
    }

    public void succeeded(String address, String loginName) {
        byAddress.clear(address);
        byUser.clear(key(loginName));
    }

    private static void logBackoff(FailureBackoff.Failure f, String what, String key) {
        f.backoffStarted().ifPresent(backoff -> log.atWarn().addKeyValue(what, key).addKeyValue("failures", f.failures())
                .addKeyValue("backoff", backoff).log("too many failed file-transfer logins: backing off"));
    }

    private static String key(String loginName) {
        return loginName == null ? "" : loginName;
    }

    @Override
    public long failedLogins(TransferProtocol protocol) {
        return failed.get(protocol).get();
    }

    @Override
    public long throttledLogins(TransferProtocol protocol) {
        return throttled.get(protocol).get();
    }

    @Override
    public int blockedAddresses() {
        return byAddress.blockedKeys();
    }

    @Override
    public int blockedUsers() {
        return byUser.blockedKeys();
    }
}
