package dev.raptor.sftp.login;

/**
 * What the brute-force guard has seen, for metrics (counters only grow; gauges are now). Shared by SFTP and FTP.
 */
public interface LoginThrottleStats {
    /** Failed login attempts (wrong password, unknown user, expired, locked...) since start. */
    long failedLogins();

    /** Attempts refused without being checked because their address or user was backing off, since start. */
    long throttledLogins();

    /** Addresses backing off now. */
    int blockedAddresses();

    /** Login names backing off now. */
    int blockedUsers();
}
