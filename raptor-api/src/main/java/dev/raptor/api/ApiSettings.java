package dev.raptor.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the API listens and behaves.
 *
 * @param httpHost           TCP address to bind ({@code 127.0.0.1}, {@code 0.0.0.0}, {@code ::})
 * @param httpPort           TCP port; 0 picks a free one (tests)
 * @param socketPath         Unix socket path; null serves no socket
 * @param maxBodyBytes       largest request body accepted (413 beyond)
 * @param defaultWait        how long a power request waits for its result unless told otherwise
 * @param maxWait            the longest wait a request may ask for
 * @param shutdownGrace      how long in-flight requests get to finish at shutdown
 * @param version            the daemon's version, for {@code /system}
 * @param operationCapacity  how many operations are remembered at most
 * @param operationRetention how long a finished operation stays readable
 * @param security           TLS, allowed origins, trusted proxies and the failed-authentication limit
 */
public record ApiSettings(String httpHost, int httpPort, Path socketPath, long maxBodyBytes, Duration defaultWait,
                          Duration maxWait, Duration shutdownGrace, String version, int operationCapacity,
                          Duration operationRetention, SecuritySettings security) {

    public static final long DEFAULT_MAX_BODY = 1024 * 1024;

    public ApiSettings {
        Objects.requireNonNull(httpHost, "httpHost");
        Objects.requireNonNull(defaultWait, "defaultWait");
        Objects.requireNonNull(maxWait, "maxWait");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(operationRetention, "operationRetention");
        Objects.requireNonNull(security, "security");
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("httpPort must be 0-65535 (was " + httpPort + ")");
        }
    }

    /** 1 MiB bodies, 60 s default wait (at most 10 min), 10 s shutdown grace, 10,000 operations kept 1 h. */
    public static ApiSettings defaults(String httpHost, int httpPort, Path socketPath, String version) {
        return new ApiSettings(httpHost, httpPort, socketPath, DEFAULT_MAX_BODY, Duration.ofSeconds(60), Duration.ofMinutes(10),
                Duration.ofSeconds(10), version, 10_000, Duration.ofHours(1), SecuritySettings.defaults());
    }

    public ApiSettings withDefaultWait(Duration d) {
        return new ApiSettings(httpHost, httpPort, socketPath, maxBodyBytes, d, maxWait, shutdownGrace, version,
                operationCapacity, operationRetention, security);
    }

    public ApiSettings withShutdownGrace(Duration d) {
        return new ApiSettings(httpHost, httpPort, socketPath, maxBodyBytes, defaultWait, maxWait, d, version,
                operationCapacity, operationRetention, security);
    }

    public ApiSettings withSecurity(SecuritySettings s) {
        return new ApiSettings(httpHost, httpPort, socketPath, maxBodyBytes, defaultWait, maxWait, shutdownGrace, version,
                operationCapacity, operationRetention, s);
    }

    public ApiSettings withMaxBodyBytes(long n) {
        return new ApiSettings(httpHost, httpPort, socketPath, n, defaultWait, maxWait, shutdownGrace, version,
                operationCapacity, operationRetention, security);
    }
}
