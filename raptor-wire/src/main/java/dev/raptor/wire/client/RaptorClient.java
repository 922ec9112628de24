package dev.raptor.wire.client;

import dev.raptor.wire.node.NodeHealth;
import dev.raptor.wire.node.NodeList;
import dev.raptor.wire.node.NodeSystem;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpMethod;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * The Java client of a Raptor daemon's API ({@code /api/v1}): what {@code raptorctl} and the bench use,
 * and the API for panels written in Java. Over the node's Unix socket (no credentials: the socket's
 * file mode is the guard) or over HTTP with the node API key or a server token. Answers are the
 * records of {@code raptor-wire}; an error answer is a {@link RaptorProblemException} carrying the
 * daemon's {@link dev.raptor.wire.problem.Problem}, and a failure to reach or hear the daemon is a
 * {@link RaptorUnreachableException} or {@link RaptorIoException}. Every call has a deadline.
 *
 * <pre>{@code
 * try (RaptorClient raptor = RaptorClient.overHttp(URI.create("http://10.0.0.5:8080"), apiKey)) {
 *     ServerDocument lobby = raptor.servers().create(new ServerSpecDocument(null, "lobby", "ghcr.io/org/game:1",
 *             null, Map.of(), List.of(new AllocationDocument("0.0.0.0", 25565, null, null, true)),
 *             null, null, null, null, null, null, null, "Done", null, null, null, null, null, null));
 *     OperationDocument started = raptor.server(lobby.spec().id()).start();   // waits for the outcome
 *     raptor.server(lobby.spec().id()).command("say hello");
 * }
 * }</pre>
 *
 * <p>One client serves any number of threads and keeps its connections open between calls; close it
 * when done (its threads are daemon threads, so a forgotten client never keeps a JVM alive).
 */
public final class RaptorClient implements AutoCloseable {
    /** The daemon's default socket: {@code /var/lib/raptor-daemon/raptor.sock}. */
    public static final Path DEFAULT_SOCKET = Path.of("/var/lib/raptor-daemon/raptor.sock");

    private final DaemonHttp http;
    private final Settings settings;
    private final Servers servers;
    private final OperationsClient operations;
    private final StateTransfer state;
    private volatile WebSocketConnector consoles;

    private RaptorClient(Builder b) {
        this.settings = new Settings(b.requestTimeout, b.operationTimeout);
        this.http = new DaemonHttp(b.endpoint, b.bearer, b.trusted, b.connectTimeout, b.requestTimeout, b.userAgent);
        this.servers = new Servers(this);
        this.operations = new OperationsClient(this);
        this.state = new StateTransfer(this);
    }

    /** A client of the daemon listening on the Unix socket {@code socket}. */
    public static RaptorClient overUnixSocket(Path socket) {
        return builder().unixSocket(socket).build();
    }

    /**
     * A client of the daemon at {@code base} ({@code http://host:port}), authenticated with {@code credential}:
     * the node API key, or a server token for calls on that server.
     */
    public static RaptorClient overHttp(URI base, String credential) {
        return builder().http(base).credential(credential).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ the node

    /** {@code GET /health}: the node's checks; answered whether they pass (200) or not (503). */
    public NodeHealth health() {
        var request = http.request(HttpMethod.GET, "/health");
        ContentResponse r = http.any(request, null);
        if (r.getStatus() != 200 && r.getStatus() != 503) {
            throw DaemonHttp.problem(r.getStatus(), r.getMediaType(), r.getContent());
        }
        return http.read(request, r.getContent(), NodeHealth.class);
    }

    /** {@code GET /system}: version, runtime, engine, server counts and the machine's resources. */
    public NodeSystem system() {
        return http.json(http.request(HttpMethod.GET, "/system"), NodeSystem.class, null);
    }

    /** The machines the servers run on: state, resources, ports and servers of each ({@code GET /nodes}). */
    public NodeList nodes() {
        return http.json(http.request(HttpMethod.GET, "/nodes"), NodeList.class, null);
    }

    /** The node's servers: list, create, get. */
    public Servers servers() {
        return servers;
    }

    /** One server, by id: its document, power, console, logs, stats, activity, tokens, patch, delete. */
    public ServerClient server(UUID id) {
        return new ServerClient(this, Objects.requireNonNull(id, "id").toString());
    }

    /** One server, by id as text (a malformed one is the daemon's 404, not an exception here). */
    public ServerClient server(String id) {
        return new ServerClient(this, Objects.requireNonNull(id, "id"));
    }

    /** The node's templates (imported Pterodactyl/Pelican eggs). */
    public TemplatesClient templates() {
        return new TemplatesClient(this);
    }

    /** Power actions and deletes answered 202: read them again, wait for their outcome. */

    public OperationsClient operations() {
        return operations;
    }

    /** The node's state as one document: export and import. */
    public StateTransfer state() {
        return state;
    }

    /** Where this client sends its requests. */
    public DaemonEndpoint endpoint() {
        return http.endpoint();
    }

    // ------------------------------------------------------------------ shared with the parts

    DaemonHttp http() {
        return http;
    }

    Settings settings() {
        return settings;
    }

    /** The node's images: list, pull, remove, prune. */
    public Images images() {
        return new Images(this);
    }

    /** The node's networks: list, create, remove. */
    public Networks networks() {
        return new Networks(this);
    }

    /** The WebSocket client, started on first use: a client that never opens a console never pays for it. */
    WebSocketConnector consoles() {
        WebSocketConnector c = consoles;
        if (c == null) {
            synchronized (this) {
                c = consoles;
                if (c == null) {
                    c = new WebSocketConnector(http);
                    consoles = c;
                }
            }
        }
        return c;
    }

    /** The deadlines of calls: plain requests, and requests that wait for an operation. */
    record Settings(Duration requestTimeout, Duration operationTimeout) {
    }

    /** Closes the connections and the threads; calls after it fail. */
    @Override
    public void close() {
        WebSocketConnector c = consoles;
        if (c != null) {
            c.close();
        }
        http.close();
    }

    /** How to reach the daemon, and the deadlines. */
    public static final class Builder {
        private DaemonEndpoint endpoint = new DaemonEndpoint.UnixSocket(DEFAULT_SOCKET);
        private String bearer;
        private SSLContext trusted;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration operationTimeout = Duration.ofMinutes(11);
        private String userAgent = "raptor-client";

        private Builder() {
        }

        /** The daemon's Unix socket (the default: {@link #DEFAULT_SOCKET}). */
        public Builder unixSocket(Path socket) {
            this.endpoint = new DaemonEndpoint.UnixSocket(socket);
            return this;
        }

        /** The daemon over HTTP or HTTPS, e.g. {@code http://10.0.0.5:8080} (a private CA: {@link #trustedCertificates}). */
        public Builder http(URI base) {
            this.endpoint = new DaemonEndpoint.Http(base);
            return this;
        }

        public Builder endpoint(DaemonEndpoint endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /** The bearer credential: the node API key, or a server token. Not needed on the Unix socket. */
        public Builder credential(String apiKeyOrToken) {
            this.bearer = apiKeyOrToken;
            return this;
        }

        /**
         * Over {@code https://}, trust the certificates in the PEM file {@code caFile} (the CA that signed the
         * daemon's certificate, or that certificate) instead of the JDK's public CAs.
         *
         * @throws IllegalArgumentException when the file holds no certificate or cannot be read
         */
        public Builder trustedCertificates(Path caFile) {
            this.trusted = caFile == null ? null : TrustedCertificates.sslContext(caFile);
            return this;
        }

        /** How long a connection may take (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** How long a call may take, from sending to the whole answer (default 30 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /**
         * How long a call that waits for an operation (power, delete, a patch applied now) may take
         * (default 11 minutes: the daemon waits 10 at the most, then answers 202).
         */
        public Builder operationTimeout(Duration timeout) {
            this.operationTimeout = positive(timeout, "operationTimeout");
            return this;
        }

        /** The {@code User-Agent} the daemon sees (default {@code raptor-client}). */
        public Builder userAgent(String userAgent) {
            this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
            return this;
        }

        public RaptorClient build() {
            return new RaptorClient(this);
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be positive");
            }
            return d;
        }
    }
}
