package dev.raptor.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.function.ToIntFunction;

/**
 * The SFTP/FTP servers as series: {@code raptor_file_transfer_sessions}, the sessions open now. Their failed and
 * throttled logins are {@link AuthMetrics}' {@code transport="sftp"} series. This module does not depend on the
 * transfer servers: the daemon hands them in.
 */
public final class TransferMetrics {

    private TransferMetrics() {
    }

    /**
     * Registers the sessions gauge, read from {@code source} when scraped (the function must be cheap and never
     * block). Micrometer holds {@code source} weakly: pass the object the daemon keeps for the servers' lifetime,
     * not a lambda made for the call, or the series reads NaN once that is collected.
     */
    public static <T> void sessions(MeterRegistry registry, T source, ToIntFunction<T> openSessions) {
        Gauge.builder("raptor.file.transfer.sessions", source, s -> openSessions.applyAsInt(s))
                .description("SFTP and FTP sessions open now").register(registry);
    }
}
