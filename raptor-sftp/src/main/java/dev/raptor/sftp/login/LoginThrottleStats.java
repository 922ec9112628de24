package dev.raptor.sftp.login;

import java.util.Arrays;

/**
 * What the brute-force guard has seen, for metrics (counters only grow; gauges are now). SFTP and FTP share the guard
 * (an address or name backing off does so for both), and their attempts are counted apart.
 */
public interface LoginThrottleStats {
    /** Failed login attempts over {@code protocol} (wrong password, unknown user, expired, locked...) since start. */
    long failedLogins(TransferProtocol protocol);

    /** Attempts over {@code protocol} refused unchecked because their address or user was backing off, since start. */
    long throttledLogins(TransferProtocol protocol);

    /** Failed login attempts over both protocols since start. */
    default long failedLogins() {
        return Arrays.stream(TransferProtocol.values()).mapToLong(this::failedLogins).sum();
    }

    /** Attempts over both protocols refused unchecked since start. */
    default long throttledLogins() {
        return Arrays.stream(TransferProtocol.values()).mapToLong(this::throttledLogins).sum();
    }

    /** Addresses backing off now (for both protocols). */
    int blockedAddresses();

    /** Login names backing off now (for both protocols). */
    int blockedUsers();
}
