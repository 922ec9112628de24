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
 * The brute-force guards of SFTP and FTP logins, one per protocol. Failures are counted per client address and per
 * login name; past a limit, that address (or name) backs off over that protocol: every attempt is refused unchecked
 * until the back-off ends, and each further failure after it doubles the back-off (up to a maximum). A success
 * clears its address and its name. A counter forgets failures older than the window. Blocking starts are logged
 * (once per block, not per attempt). Memory is bounded: past {@link Settings#maxTracked} entries per guard, entries
 * without a block are dropped first. Thread-safe; no I/O. Each guard is the node's one brute-force mechanism,
 * {@link FailureBackoff}, once per address and once per login name.
 *
 * <p>Why one guard per protocol: the metrics report blocked addresses per transport, and a figure labelled
 * {@code ftp} must count what FTP blocked. The price is that an address blocked over one protocol may still try
 * the other (when FTP is on at all; it is off by default), with its own limits: at most twice the guesses.
 */
public final class LoginThrottle implements LoginThrottleStats {
    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

    /**
     * @param addressLimit failures from one address within {@code window} before it backs off
     * @param userLimit    failures for one login name within {@code window} before it backs off
     * @param window       how long a failure counts
     * @param firstBackoff the first back-off; each failure past the limit doubles it
     * @param maxBackoff   the longest back-off
     * @param maxTracked   addresses and names remembered at most (each, per protocol)
     */
    public record Settings(int addressLimit, int userLimit, Duration window, Duration firstBackoff, Duration maxBackoff,
                           int maxTracked) {
        /** 10 failures per address, 5 per name, within 15 minutes; back-off from 2 s up to 15 minutes. */
        public static final Settings DEFAULTS = new Settings(10, 5, Duration.ofMinutes(15), Duration.ofSeconds(2),
                Duration.ofMinutes(15), 100_000);
    }

    /** One protocol's guard and its counts. */
    private record Guard(FailureBackoff byAddress, FailureBackoff byUser, AtomicLong failed, AtomicLong throttled) {
        Guard(Settings settings, Clock clock) {
            this(new FailureBackoff(new FailureBackoff.Settings(settings.addressLimit(), settings.window(),
                            settings.firstBackoff(), settings.maxBackoff(), settings.maxTracked()), clock),
                    new FailureBackoff(new FailureBackoff.Settings(settings.userLimit(), settings.window(),
                            settings.firstBackoff(), settings.maxBackoff(), settings.maxTracked()), clock),
                    new AtomicLong(), new AtomicLong());
        }
    }

    private final Map<TransferProtocol, Guard> guards = new EnumMap<>(TransferProtocol.class);

    public LoginThrottle(Settings settings, Clock clock) {
        for (TransferProtocol p : TransferProtocol.values()) {
            guards.put(p, new Guard(settings, clock));
        }
    }

    /**
     * Whether an attempt from {@code address} for {@code loginName} over {@code protocol} may be checked now; counts
     * it when not.
     */
    public boolean allows(String address, String loginName, TransferProtocol protocol) {
        Guard g = guards.get(protocol);
        if (g.byAddress().backoffLeft(address).isPresent() || g.byUser().backoffLeft(key(loginName)).isPresent()) {
            g.throttled().incrementAndGet();
            return false;
        }
        return true;
    }

    /** How long {@code address} and {@code loginName} still back off over {@code protocol} (zero when they may try). */
    public Duration backoffLeft(String address, String loginName, TransferProtocol protocol) {
        Guard g = guards.get(protocol);
        Duration a = g.byAddress().backoffLeft(address).orElse(Duration.ZERO);
        Duration u = g.byUser().backoffLeft(key(loginName)).orElse(Duration.ZERO);
        return a.compareTo(u) >= 0 ? a : u;
    }

    /** A refused attempt over {@code protocol}: counts towards its address's and its name's back-off there. */
    public void failed(String address, String loginName, TransferProtocol protocol) {
        Guard g = guards.get(protocol);
        g.failed().incrementAndGet();
        logBackoff(g.byAddress().failed(address), protocol, "address", address);
        logBackoff(g.byUser().failed(key(loginName)), protocol, "login", key(loginName));
    }

    /** A login over {@code protocol} succeeded: its address and name start afresh there. */
    public void succeeded(String address, String loginName, TransferProtocol protocol) {
        Guard g = guards.get(protocol);
        g.byAddress().clear(address);
        g.byUser().clear(key(loginName));
    }

    private static void logBackoff(FailureBackoff.Failure f, TransferProtocol protocol, String what, String key) {
        f.backoffStarted().ifPresent(backoff -> log.atWarn().addKeyValue("protocol", protocol.label())
                .addKeyValue(what, key).addKeyValue("failures", f.failures())
                .addKeyValue("backoff", backoff).log("too many failed file-transfer logins: backing off"));
    }

    private static String key(String loginName) {
        return loginName == null ? "" : loginName;
    }

    @Override
    public long failedLogins(TransferProtocol protocol) {
        return guards.get(protocol).failed().get();
    }

    @Override
    public long throttledLogins(TransferProtocol protocol) {
        return guards.get(protocol).throttled().get();
    }

    @Override
    public int blockedAddresses(TransferProtocol protocol) {
        return guards.get(protocol).byAddress().blockedKeys();
    }

    @Override
    public int blockedUsers(TransferProtocol protocol) {
        return guards.get(protocol).byUser().blockedKeys();
    }
}
