package dev.raptor.api;

import dev.raptor.api.auth.FailedAuthLimit;
import dev.raptor.api.http.AddressRange;
import dev.raptor.api.http.CorsPolicy;
import dev.raptor.api.tls.TlsSettings;

import java.util.List;
import java.util.Objects;

/**
 * How the API faces the internet: TLS on its TCP port, which browser origins may use it, which reverse proxies'
 * {@code X-Forwarded-For} is believed, and the limit on refused credentials per client address. The Unix socket is
 * plain and unlimited whatever these say.
 *
 * @param tls            the certificate and key, or null for plain HTTP
 * @param allowedOrigins origins of panels whose pages may call the API and open console sockets ({@link CorsPolicy})
 * @param trustedProxies reverse proxies whose {@code X-Forwarded-For} names the client
 * @param authLimit      refused credentials per address before 429
 */
public record SecuritySettings(TlsSettings tls, List<String> allowedOrigins, List<AddressRange> trustedProxies,
                               FailedAuthLimit.Settings authLimit) {

    public SecuritySettings {
        allowedOrigins = List.copyOf(allowedOrigins);
        trustedProxies = List.copyOf(trustedProxies);
        Objects.requireNonNull(authLimit, "authLimit");
        CorsPolicy.allowing(allowedOrigins); // each is an origin, or this throws naming it
    }

    /** Plain HTTP, same-origin pages only, no proxies trusted, the default limit. */
    public static SecuritySettings defaults() {
        return new SecuritySettings(null, List.of(), List.of(), FailedAuthLimit.Settings.DEFAULTS);
    }

    public SecuritySettings withTls(TlsSettings t) {
        return new SecuritySettings(t, allowedOrigins, trustedProxies, authLimit);
    }

    public SecuritySettings withAllowedOrigins(List<String> origins) {
        return new SecuritySettings(tls, origins, trustedProxies, authLimit);
    }

    public SecuritySettings withTrustedProxies(List<AddressRange> proxies) {
        return new SecuritySettings(tls, allowedOrigins, proxies, authLimit);
    }

    public SecuritySettings withAuthLimit(FailedAuthLimit.Settings limit) {
        return new SecuritySettings(tls, allowedOrigins, trustedProxies, limit);
    }
}
