package dev.raptor.cli.transport;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the daemon is, from the flags and the environment, most specific first:
 * {@code --host URL} (or {@code RAPTOR_HOST}) for a daemon over TCP with {@code --api-key} (or
 * {@code RAPTOR_API_KEY}); else the Unix socket {@code --socket}, {@code RAPTOR_SOCKET},
 * {@code $RAPTOR_DATA_DIR/raptor.sock} (alias {@code DAEMON_DATA_DIR}) or
 * {@code /var/lib/raptor-daemon/raptor.sock}. A host of {@code unix:///path} is a socket too.
 */
public final class DaemonAddress {
    public static final String DEFAULT_DATA_DIR = "/var/lib/raptor-daemon";
    public static final String SOCKET_FILE = "raptor.sock";

    private DaemonAddress() {
    }

    public static DaemonTransport transport(String socketFlag, String hostFlag, String apiKeyFlag, Map<String, String> env) {
        String host = firstNonBlank(hostFlag, env.get("RAPTOR_HOST"));
        if (host != null && !(socketFlag != null && hostFlag == null)) {
            if (host.startsWith("unix://")) {
                return new UnixSocketTransport(Path.of(host.substring("unix://".length())));
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
            return new TcpTransport(uri, firstNonBlank(apiKeyFlag, env.get("RAPTOR_API_KEY")));
        }
        return new UnixSocketTransport(socketPath(socketFlag, env));
    }

    public static Path socketPath(String socketFlag, Map<String, String> env) {
        String explicit = firstNonBlank(socketFlag, env.get("RAPTOR_SOCKET"));
        if (explicit != null) {
            return Path.of(explicit);
        }
        String dataDir = firstNonBlank(env.get("RAPTOR_DATA_DIR"), env.get("DAEMON_DATA_DIR"));
        return Path.of(dataDir != null ? dataDir : DEFAULT_DATA_DIR, SOCKET_FILE);
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
