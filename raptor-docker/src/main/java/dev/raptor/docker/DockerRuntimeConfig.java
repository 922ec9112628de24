package dev.raptor.docker;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach a Docker Engine and how patient to be with it.
 *
 * <p>Deadlines are per call (every {@link dev.raptor.core.runtime.ContainerRuntime} method takes one); the
 * timeouts here are only backstops and stream-opening limits:
 *
 * @param dockerHost        {@code unix:///path/to/docker.sock} or {@code tcp://host:port} (plain TCP, or TLS with
 *                          {@code tlsCertPath})
 * @param node              when set, containers are also labelled {@code dev.raptor.node=<node>} and only those are
 *                          listed and watched, so two Raptor daemons can share one engine; null = the containers with
 *                          the server label and no node label (a named daemon's containers are never touched)
 * @param connectTimeout    TCP connect timeout of the HTTP transport (a Unix socket connects at once or fails)
 * @param responseTimeout   read timeout of the transport for single calls over TCP; a backstop behind the deadlines
 *                          (docker-java's Unix socket ignores socket read timeouts, so there the deadline is what counts)
 * @param streamOpenTimeout how long a stream (logs, stats, events) may take to be answered before it is abandoned
 * @param pullMissingImages whether {@code create} pulls an image that is not present locally
 * @param registries        credentials for pulls, by registry host ({@code registry.example.com}, {@code localhost:5000},
 *                          {@code docker.io}); a registry not named here is pulled from anonymously
 * @param tlsCertPath       for a {@code tcp://} engine that requires TLS with client certificates ({@code dockerd
 *                          --tlsverify}): a directory with {@code ca.pem} (the CA the engine's certificate must chain
 *                          to), {@code cert.pem} and {@code key.pem} (this client's), as {@code DOCKER_CERT_PATH} holds
 *                          them; the engine's certificate must also name the host it is reached by. Null = plain TCP
 * @param clock             this machine's clock, against which the engine's clock is measured and its stamps translated
 *                          (see {@code EngineClock}); null = the system clock. Tests shift it to play an engine whose
 *                          clock is ahead or behind
 */
public record DockerRuntimeConfig(URI dockerHost, String node, Duration connectTimeout, Duration responseTimeout,
                                  Duration streamOpenTimeout, boolean pullMissingImages, Map<String, RegistryCredential> registries,
                                  Path tlsCertPath, Clock clock) {

    /** Where Docker listens when nothing says otherwise. */
    public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

    public DockerRuntimeConfig {
        Objects.requireNonNull(dockerHost, "dockerHost");
        String scheme = dockerHost.getScheme() == null ? "" : dockerHost.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("unix") && !scheme.equals("tcp")) {
            throw new IllegalArgumentException("docker host must be unix:///path or tcp://host:port (was '" + dockerHost + "')");
        }
        if (scheme.equals("unix") && (dockerHost.getPath() == null || dockerHost.getPath().isEmpty())) {
            throw new IllegalArgumentException("unix docker host needs a socket path (was '" + dockerHost + "')");
        }
        if (node != null && node.isBlank()) {
            node = null;
        }
        connectTimeout = positive(connectTimeout, Duration.ofSeconds(10), "connectTimeout");
        responseTimeout = positive(responseTimeout, Duration.ofMinutes(5), "responseTimeout");
        streamOpenTimeout = positive(streamOpenTimeout, Duration.ofSeconds(30), "streamOpenTimeout");
        registries = registries == null ? Map.of() : Map.copyOf(registries);
        if (tlsCertPath != null && scheme.equals("unix")) {
            throw new IllegalArgumentException("TLS is for tcp:// engines; " + dockerHost + " is a Unix socket");
        }
        clock = clock == null ? Clock.systemUTC() : clock;
    }

    /** On the system clock. */
    public DockerRuntimeConfig(URI dockerHost, String node, Duration connectTimeout, Duration responseTimeout,
                               Duration streamOpenTimeout, boolean pullMissingImages, Map<String, RegistryCredential> registries,
                               Path tlsCertPath) {
        this(dockerHost, node, connectTimeout, responseTimeout, streamOpenTimeout, pullMissingImages, registries, tlsCertPath, null);
    }

    /** Plain TCP or a Unix socket. */
    public DockerRuntimeConfig(URI dockerHost, String node, Duration connectTimeout, Duration responseTimeout,
                               Duration streamOpenTimeout, boolean pullMissingImages, Map<String, RegistryCredential> registries) {
        this(dockerHost, node, connectTimeout, responseTimeout, streamOpenTimeout, pullMissingImages, registries, null);
    }

    /** Without registry credentials (every pull anonymous). */
    public DockerRuntimeConfig(URI dockerHost, String node, Duration connectTimeout, Duration responseTimeout,
                               Duration streamOpenTimeout, boolean pullMissingImages) {
        this(dockerHost, node, connectTimeout, responseTimeout, streamOpenTimeout, pullMissingImages, Map.of());
    }

    /** Defaults for an engine at {@code dockerHost} (e.g. the value of {@code DOCKER_HOST}). */
    public static DockerRuntimeConfig of(String dockerHost) {
        return new DockerRuntimeConfig(URI.create(Objects.requireNonNull(dockerHost, "dockerHost")), null,
                null, null, null, true);
    }

    /** Defaults for the engine named by {@code DOCKER_HOST}, or the standard socket when it is unset. */
    public static DockerRuntimeConfig fromEnvironment() {
        String host = System.getenv("DOCKER_HOST");
        return of(host == null || host.isBlank() ? DEFAULT_HOST : host.strip());
    }

    public DockerRuntimeConfig withNode(String newNode) {
        return new DockerRuntimeConfig(dockerHost, newNode, connectTimeout, responseTimeout, streamOpenTimeout, pullMissingImages, registries, tlsCertPath, clock);
    }

    public DockerRuntimeConfig withStreamOpenTimeout(Duration timeout) {
        return new DockerRuntimeConfig(dockerHost, node, connectTimeout, responseTimeout, timeout, pullMissingImages, registries, tlsCertPath, clock);
    }

    public DockerRuntimeConfig withResponseTimeout(Duration timeout) {
        return new DockerRuntimeConfig(dockerHost, node, connectTimeout, timeout, streamOpenTimeout, pullMissingImages, registries, tlsCertPath, clock);
    }

    public DockerRuntimeConfig withPullMissingImages(boolean pull) {
        return new DockerRuntimeConfig(dockerHost, node, connectTimeout, responseTimeout, streamOpenTimeout, pull, registries, tlsCertPath, clock);
    }

    /** Pulls log in to the registries named here, by host. */
    public DockerRuntimeConfig withRegistries(Map<String, RegistryCredential> credentials) {
        return new DockerRuntimeConfig(dockerHost, node, connectTimeout, responseTimeout, streamOpenTimeout, pullMissingImages, credentials, tlsCertPath, clock);
    }

    /** TLS with the client certificate and CA in {@code certPath} ({@code ca.pem}, {@code cert.pem}, {@code key.pem}). */
    public DockerRuntimeConfig withTls(Path certPath) {
        return new DockerRuntimeConfig(dockerHost, node, connectTimeout, responseTimeout, streamOpenTimeout, pullMissingImages, registries, certPath, clock);
    }

    /** This machine's clock as {@code clock} reads it (tests: a clock running ahead of or behind the engine's). */
    public DockerRuntimeConfig withClock(Clock newClock) {
        return new DockerRuntimeConfig(dockerHost, node, connectTimeout, responseTimeout, streamOpenTimeout, pullMissingImages, registries, tlsCertPath, newClock);
    }

    boolean unixSocket() {
        return "unix".equalsIgnoreCase(dockerHost.getScheme());
    }

    private static Duration positive(Duration d, Duration fallback, String name) {
        if (d == null) {
            return fallback;
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive (was " + d + ")");
        }
        return d;
    }
}
