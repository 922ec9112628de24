package dev.raptor.wire.client;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/** Where a daemon's API is: its Unix socket (on the node), or an {@code http(s)://host:port} base URL. */
public sealed interface DaemonEndpoint permits DaemonEndpoint.UnixSocket, DaemonEndpoint.Http {

    /** For messages: {@code unix:///var/lib/raptor-daemon/raptor.sock} or the base URL. */
    String describe();

    /**
     * The daemon's Unix socket (mode 0660): no credentials needed, whoever may open it is trusted.
     *
     * @param path the socket file, e.g. {@code /var/lib/raptor-daemon/raptor.sock}
     */
    record UnixSocket(Path path) implements DaemonEndpoint {
        public UnixSocket {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String describe() {
            return "unix://" + path.toAbsolutePath();
        }
    }

    /**
     * The daemon over TCP, e.g. {@code http://10.0.0.5:8080}; a trailing path is kept as a prefix
     * (for a daemon behind a proxy under {@code /raptor}), a trailing slash is dropped.
     */
    record Http(URI base) implements DaemonEndpoint {
        public Http {
            Objects.requireNonNull(base, "base");
            String scheme = base.getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme) || base.getHost() == null) {
                throw new IllegalArgumentException("'" + base + "' must be http://HOST:PORT or https://HOST:PORT");
            }
            String s = base.toString();
            if (s.endsWith("/")) {
                base = URI.create(s.substring(0, s.length() - 1));
            }
        }

        @Override
        public String describe() {
            return base.toString();
        }
    }
}
