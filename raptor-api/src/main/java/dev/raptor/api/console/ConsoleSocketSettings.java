package dev.raptor.api.console;

import java.time.Duration;
import java.util.Objects;

/**
 * How console sockets behave.
 *
 * @param authTimeout     a socket that has not authenticated within this is closed
 * @param writeTimeout    a socket whose client takes no message for this long is closed as dead (its
 *                        queue has been dropping its oldest lines meanwhile)
 * @param pingEvery       how often the daemon pings an idle socket, keeping proxies and the idle timeout at bay
 * @param idleTimeout     a socket with no traffic at all (not even the answer to a ping) for this long is closed
 * @param expiryWarning   how long before its token expires a socket hears {@code token expiring}
 * @param historyLines    lines answered to {@code send logs}
 * @param maxMessageBytes the largest message a client may send
 */
public record ConsoleSocketSettings(Duration authTimeout, Duration writeTimeout, Duration pingEvery, Duration idleTimeout,
                                    Duration expiryWarning, int historyLines, int maxMessageBytes) {

    public ConsoleSocketSettings {
        Objects.requireNonNull(authTimeout, "authTimeout");
        Objects.requireNonNull(writeTimeout, "writeTimeout");
        Objects.requireNonNull(pingEvery, "pingEvery");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(expiryWarning, "expiryWarning");
        if (historyLines < 0 || maxMessageBytes < 256) {
            throw new IllegalArgumentException("historyLines must not be negative and maxMessageBytes at least 256");
        }
    }

    /** 10 s to authenticate, 30 s write timeout, pings every 30 s, 2 min idle, warned 60 s before expiry, 150 lines of history. */
    public static ConsoleSocketSettings defaults() {
        return new ConsoleSocketSettings(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofMinutes(2), Duration.ofSeconds(60), 150, 64 * 1024);
    }

    public ConsoleSocketSettings withWriteTimeout(Duration timeout) {
        return new ConsoleSocketSettings(authTimeout, timeout, pingEvery, idleTimeout, expiryWarning, historyLines, maxMessageBytes);
    }

    public ConsoleSocketSettings withAuthTimeout(Duration timeout) {
        return new ConsoleSocketSettings(timeout, writeTimeout, pingEvery, idleTimeout, expiryWarning, historyLines, maxMessageBytes);
    }
}
