package dev.raptor.cli.api;

import dev.raptor.wire.client.DaemonEndpoint;
import dev.raptor.wire.client.RaptorClient;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the daemon is, from the flags and the environment, most specific first:
 * {@code --host URL} (or {@code RAPTOR_HOST}) for a daemon over TCP with {@code --api-key} (or
 * {@code RAPTOR_API_KEY}); else the Unix socket {@code --socket}, {@code RAPTOR_SOCKET},
 * {@code $RAPTOR_DATA_DIR/raptor.sock} (alias {@code DAEMON_DATA_DIR}) or
 * {@code /var/lib/raptor-daemon/raptor.sock}. A host of {@code unix:///path} is a socket too. A daemon
 * over {@code https://} whose certificate no public CA signed is trusted through {@code --ca FILE} (or
 * {@code RAPTOR_CA}): the PEM file of its CA, or its certificate.
 *
 * @param endpoint   where requests go
 * @param credential the API key (or a server token) for TCP; null on the socket (which needs none) or when none is set
 * @param ca         the PEM file of the certificates trusted over HTTPS; null: the JDK's public CAs
 */
public record DaemonAddress(DaemonEndpoint endpoint, String credential, Path ca) {
    public static final String DEFAULT_DATA_DIR = "/var/lib/raptor-daemon";
    public static final String SOCKET_FILE = "raptor.sock";

    /** {@link #of(String, String, String, String, Map)} with no {@code --ca} flag. */
    public static DaemonAddress of(String socketFlag, String hostFlag, String apiKeyFlag, Map<String, String> env) {
        return of(socketFlag, hostFlag, apiKeyFlag, null, env);
    }

    /** @throws IllegalArgumentException for a host that is not a URL raptorctl can use, or a CA file that is not there */
    public static DaemonAddress of(String socketFlag, String hostFlag, String apiKeyFlag, String caFlag, Map<String, String> env) {
        String host = firstNonBlank(hostFlag, env.get("RAPTOR_HOST"));
        if (host != null && !(socketFlag != null && hostFlag == null)) {
            if (host.startsWith("unix://")) {
                return new DaemonAddress(new DaemonEndpoint.UnixSocket(Path.of(host.substring("unix://".length()))), null, null);
            }
            String url = host.contains("://") ? host : "http://" + host;
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--host '" + host + "' is not a URL: " + e.getMessage());
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("--host '" + host + "' must be http://HOST:PORT, https://HOST:PORT or unix:///PATH");
            }
            String ca = firstNonBlank(caFlag, env.get("RAPTOR_CA"));
            if (ca != null && !Files.isReadable(Path.of(ca))) {
                throw new IllegalArgumentException("--ca '" + ca + "' is not a readable file (the PEM certificate of the daemon's CA)");
            }
            return new DaemonAddress(new DaemonEndpoint.Http(uri), firstNonBlank(apiKeyFlag, env.get("RAPTOR_API_KEY")),
                    ca == null ? null : Path.of(ca));
        }
        return new DaemonAddress(new DaemonEndpoint.UnixSocket(socketPath(socketFlag, env)), null, null);
    }

    public static Path socketPath(String socketFlag, Map<String, String> env) {
        String explicit = firstNonBlank(socketFlag, env.get("RAPTOR_SOCKET"));
        if (explicit != null) {
            return Path.of(explicit);
        }
        String dataDir = firstNonBlank(env.get("RAPTOR_DATA_DIR"), env.get("DAEMON_DATA_DIR"));
        return Path.of(dataDir != null ? dataDir : DEFAULT_DATA_DIR, SOCKET_FILE);
    }

    /** The client of this daemon, for one raptorctl invocation. */
    public RaptorClient client() {
        return RaptorClient.builder().endpoint(endpoint).credential(credential).trustedCertificates(ca).userAgent("raptorctl").build();
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        return null;
    }
}
