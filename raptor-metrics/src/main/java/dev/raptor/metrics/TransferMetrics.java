package dev.raptor.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * The SFTP/FTP servers as series: {@code raptor_file_transfer_sessions} open now, the brute-force guard's
 * {@code raptor_file_transfer_logins_failed_total} and {@code raptor_file_transfer_logins_throttled_total},
 * and {@code raptor_file_transfer_blocked_addresses} backing off now. Read from the servers' own counts when
 * scraped; this module does not depend on the transfer servers, the daemon hands their readings in.
 */
public final class TransferMetrics {

    private TransferMetrics() {
    }

    /**
     * Registers the series, read from {@code source} when scraped (each function must be cheap and never block).
     * Micrometer holds {@code source} weakly: pass the object the daemon keeps for the servers' lifetime, not a
     * lambda made for the call, or the series read NaN once it is collected.
     */
    public static <T> void bind(MeterRegistry registry, T source, ToIntFunction<T> sessions, ToLongFunction<T> failedLogins,
                                ToLongFunction<T> throttledLogins, ToIntFunction<T> blockedAddresses) {
        Gauge.builder("raptor.file.transfer.sessions", source, s -> sessions.applyAsInt(s))
                .description("SFTP and FTP sessions open now").register(registry);
        FunctionCounter.builder("raptor.file.transfer.logins.failed", source, s -> failedLogins.applyAsLong(s))
                .description("Failed SFTP/FTP logins (wrong password, unknown user, locked) since start").register(registry);
        FunctionCounter.builder("raptor.file.transfer.logins.throttled", source, s -> throttledLogins.applyAsLong(s))
                .description("SFTP/FTP logins refused unchecked because their address or user was backing off").register(registry);
        Gauge.builder("raptor.file.transfer.blocked.addresses", source, s -> blockedAddresses.applyAsInt(s))
                .description("Client addresses backing off after failed logins").register(registry);
    }
}
