package dev.raptor.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.core.SSLConfig;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The docker-java clients of one engine, created on first use once the API version is agreed.
 *
 * <p>Two transports: one for single calls (with the response-timeout backstop) and one for streams, whose
 * responses may legitimately stay silent for hours (an events stream on a quiet node) and so must have none.
 *
 * <p>API version: like the Docker CLI, Raptor asks the engine ({@code GET /_ping}, header {@code API-Version})
 * and speaks the lower of the engine's version and {@link #MAX_API_VERSION}. Pinning one version would break
 * either old engines or new ones (Engine 29 refuses anything below 1.44).
 */
final class EngineConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EngineConnection.class);

    /** The newest API this runtime speaks (tested against 1.41, Docker 20.10). */
    static final RemoteApiVersion MAX_API_VERSION = RemoteApiVersion.VERSION_1_44;

    /**
     * The clients, bound to the agreed API version.
     *
     * @param streamTransport the transport under {@code streams}, for the streams Raptor reads itself
     *                        ({@link EngineLogStream})
     * @param clock           the engine's clock against this machine's: every stamp read and instant sent goes through it
     */
    record Clients(DockerClient calls, DockerClient streams, DockerHttpClient streamTransport, RemoteApiVersion apiVersion,
                   EngineTls tls, EngineClock clock) {
    }

    private final DockerRuntimeConfig config;
    private final EngineHttpClient callTransport;
    private final EngineHttpClient streamTransport;
    private final AtomicReference<Clients> clients = new AtomicReference<>();
    /** The engine's TLS, for the connections Raptor opens itself ({@link HijackedConnection}); null on plain TCP. */
    private final EngineTls tls;
    private final EngineClock clock;

    EngineConnection(DockerRuntimeConfig config) {
        this.config = config;
        this.clock = EngineClock.of(config);
        this.tls = config.tlsCertPath() == null ? null : new EngineTls(config.tlsCertPath());
        this.callTransport = new EngineHttpClient(new ApacheDockerHttpClient.Builder()
                .dockerHost(config.dockerHost())
                .sslConfig(tls == null ? null : tls.sslConfig())
                .maxConnections(256)
                .connectionTimeout(config.connectTimeout())
                .responseTimeout(config.responseTimeout())
                .build(), config.dockerHost(), tls);
        this.streamTransport = new EngineHttpClient(new ApacheDockerHttpClient.Builder()
                .dockerHost(config.dockerHost())
                .sslConfig(tls == null ? null : tls.sslConfig())
                .connectionTimeout(config.connectTimeout())
                .build(), config.dockerHost(), tls);
    }

    /** The pooled transport of short calls, for the few requests Raptor sends itself (one-shot stats). */
    DockerHttpClient callTransport() {
        return callTransport;
    }

    /**
     * The clients, negotiating the API version first if nobody has yet. Blocking I/O: call it only on a
     * thread that a deadline guards (inside {@link EngineCalls} or a stream's opener).
     */
    Clients clients() {
        Clients current = clients.get();
        if (current != null) {
            return current;
        }
        RemoteApiVersion engine = engineApiVersion();
        RemoteApiVersion chosen = engine.isGreaterOrEqual(MAX_API_VERSION) ? MAX_API_VERSION : engine;
        Clients fresh = new Clients(client(callTransport, chosen), client(streamTransport, chosen), streamTransport, chosen, tls, clock);
        // the engine's clock before anything is compared with it (an engine on another host may be minutes off)
        clock.measure(fresh.calls());
        if (clients.compareAndSet(null, fresh)) {
            log.info("docker engine reached host={} engineApi={} speaking={}", config.dockerHost(),
                    engine.getVersion(), chosen.getVersion());
        }
        return clients.get();
    }

    /**
     * Whether the engine accepts a new connection right now. A stopping Docker Engine closes its listening
     * socket first and only then stops the containers (while the connections it has, an events stream among
     * them, go on for seconds): so an exit seen while this is false was caused by the engine stopping.
     */
    boolean acceptsConnections() {
        URI host = config.dockerHost();
        try {
            if (config.unixSocket()) {
                try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(host.getPath()))) {
                    return probe.isConnected();
                }
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(host.getHost(), host.getPort() < 0 ? 2375 : host.getPort()),
                        (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()));
                return true;
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The engine's clock against this machine's (agreeing until the engine was first reached). */
    EngineClock clock() {
        return clock;
    }

    /** The agreed version, or null before the first successful call. */
    RemoteApiVersion apiVersion() {
        Clients c = clients.get();
        return c == null ? null : c.apiVersion();
    }

    private RemoteApiVersion engineApiVersion() {
        DockerHttpClient.Request ping = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET)
                .path("/_ping")
                .build();
        try (DockerHttpClient.Response response = callTransport.execute(ping)) {
            if (response.getStatusCode() != 200) {
                throw new DockerException(
                        "engine answered /_ping with " + response.getStatusCode(), response.getStatusCode());
            }
            String version = response.getHeader("API-Version");
            if (version == null || version.isBlank()) {
                // engines before API 1.25 do not say; they are far older than anything Raptor supports
                throw new DockerException(
                        "engine did not report its API version (too old?)", 500);
            }
            return RemoteApiVersion.parseConfig(version.strip());
        }
    }

    private DockerClient client(DockerHttpClient transport, RemoteApiVersion version) {
        return DockerClientImpl.getInstance(new FixedClientConfig(config.dockerHost(), version), transport);
    }

    @Override
    public void close() {
        closeQuietly(callTransport);
        closeQuietly(streamTransport);
    }

    private static void closeQuietly(DockerHttpClient client) {
        try {
            client.close();
        } catch (IOException | UncheckedIOException e) {
            log.debug("closing docker transport failed", e);
        }
    }

    /**
     * A docker-java configuration with nothing but host and API version. docker-java's default one reads
     * DOCKER_* variables, {@code ~/.docker/config.json} and docker contexts, none of which should change
     * what a daemon talks to behind its configuration's back.
     */
    private record FixedClientConfig(URI dockerHost, RemoteApiVersion apiVersion) implements DockerClientConfig {
        @Override
        public URI getDockerHost() {
            return dockerHost;
        }

        @Override
        public RemoteApiVersion getApiVersion() {
            return apiVersion;
        }

        @Override
        public String getRegistryUsername() {
            return null;
        }

        @Override
        public String getRegistryPassword() {
            return null;
        }

        @Override
        public String getRegistryEmail() {
            return null;
        }

        @Override
        public String getRegistryUrl() {
            return null;
        }

        @Override
        public AuthConfig effectiveAuthConfig(String imageName) {
            return null;
        }

        @Override
        public AuthConfigurations getAuthConfigurations() {
            return new AuthConfigurations();
        }

        @Override
        @SuppressWarnings("deprecation") // the interface still names docker-java's deprecated core.SSLConfig
        public SSLConfig getSSLConfig() {
            return null;
        }
    }
}
