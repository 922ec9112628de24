package dev.raptor.sftp.login;

import java.util.Arrays;

/**
 * What the brute-force guards have seen, for metrics (counters only grow; gauges are now). SFTP and FTP each have
 * their own guard ({@link LoginThrottle}), so every figure is per protocol; the sums are for tests and summaries.
 */
public interface LoginThrottleStats {
    /** Failed login attempts over {@code protocol} (wrong password, unknown user, expired, locked...) since start. */
    long failedLogins(TransferProtocol protocol);

    /** Attempts over {@code protocol} refused unchecked because their address or user was backing off, since start. */
    long throttledLogins(TransferProtocol protocol);

    /** Addresses backing off over {@code protocol} now. */
    int blockedAddresses(TransferProtocol protocol);

    /** Login names backing off over {@code protocol} now. */
    int blockedUsers(TransferProtocol protocol);

    /** Failed login attempts over both protocols since start. */
    default long failedLogins() {
        return Arrays.stream(TransferProtocol.values()).mapToLong(this::failedLogins).sum();
    }

    /** Attempts over both protocols refused unchecked since start. */
    default long throttledLogins() {
        return Arrays.stream(TransferProtocol.values()).mapToLong(this::throttledLogins).sum();
    }
}
