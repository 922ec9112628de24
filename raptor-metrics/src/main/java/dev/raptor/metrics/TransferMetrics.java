package dev.raptor.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.function.ToIntFunction;

/**
 * The SFTP/FTP servers as series: {@code raptor_file_transfer_sessions{protocol}}, the sessions open now, one series
 * per protocol served ({@code sftp}, {@code ftp}; FTPS counts as {@code ftp}). Their failed and throttled logins are
 * {@link AuthMetrics}' {@code transport="sftp"} and {@code transport="ftp"} series. This module does not depend on the
 * transfer servers: the daemon hands them in.
 */
public final class TransferMetrics {
    static final String SESSIONS = "raptor.file.transfer.sessions";

    private TransferMetrics() {
    }

    /**
     * Registers one protocol's sessions gauge, read from {@code source} when scraped (the function must be cheap and
     * never block). Micrometer holds {@code source} weakly: pass the object the daemon keeps for the servers'
     * lifetime, not a lambda made for the call, or the series reads NaN once that is collected.
     *
     * @param protocol the {@code protocol} label: {@code sftp} or {@code ftp}
     */
    public static <T> void sessions(MeterRegistry registry, String protocol, T source, ToIntFunction<T> openSessions) {
        Gauge.builder(SESSIONS, source, s -> openSessions.applyAsInt(s))
                .description("SFTP and FTP sessions open now, by protocol").tag("protocol", protocol).register(registry);
    }
}
