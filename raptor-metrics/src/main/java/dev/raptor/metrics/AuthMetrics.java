package dev.raptor.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.function.ToLongFunction;

/**
 * The brute-force guards' counts, per way in ({@code transport}: {@code http} for the API's bearer credentials,
 * {@code sftp} and {@code ftp} for SFTP and FTP logins, each with a guard of its own, so every series counts what
 * happened over its transport only): {@code raptor_auth_failures_total} (refused credentials that counted),
 * {@code raptor_auth_throttled_total} (attempts refused unchecked because their address was blocked) and
 * {@code raptor_auth_blocked_addresses} (addresses blocked now). Read from the guard when scraped; nothing is
 * counted twice.
 */
public final class AuthMetrics {
    static final String FAILURES = "raptor.auth.failures";
    static final String THROTTLED = "raptor.auth.throttled";
    static final String BLOCKED = "raptor.auth.blocked.addresses";

    private AuthMetrics() {
    }

    /**
     * Registers one guard's series. Micrometer holds {@code guard} weakly: the caller keeps it (it is the live guard).
     *
     * @param failures  refused credentials since start
     * @param throttled attempts refused unchecked since start
     * @param blocked   addresses blocked now
     */
    public static <T> void register(MeterRegistry registry, String transport, T guard, ToLongFunction<T> failures,
                                    ToLongFunction<T> throttled, ToLongFunction<T> blocked) {
        FunctionCounter.builder(FAILURES, guard, g -> failures.applyAsLong(g))
                .description("Refused credentials that count towards blocking their client address")
                .tag("transport", transport).register(registry);
        FunctionCounter.builder(THROTTLED, guard, g -> throttled.applyAsLong(g))
                .description("Attempts refused unchecked because their client address was blocked (HTTP: answered 429)")
                .tag("transport", transport).register(registry);
        Gauge.builder(BLOCKED, guard, g -> blocked.applyAsLong(g))
                .description("Client addresses blocked now after too many refused credentials")
                .tag("transport", transport).register(registry);
    }
}
