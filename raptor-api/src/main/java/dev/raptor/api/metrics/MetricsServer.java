package dev.raptor.api.metrics;

import io.javalin.Javalin;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The metrics alone, on an address of their own ({@code metricsAddr}) and without credentials: for a
 * Prometheus on a private network that should not hold the node key. It serves {@code GET /metrics}
 * and nothing else (every other path is 404).
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

    private final Javalin app;
    private final AtomicReference<ServerConnector> connector;
    private final String host;

    private MetricsServer(Javalin app, AtomicReference<ServerConnector> connector, String host) {
        this.app = app;
        this.connector = connector;
        this.host = host;
    }

    /** Binds {@code host:port} (0 = any free port) and serves. */
    public static MetricsServer start(String host, int port, MetricsEndpoint endpoint) {
        AtomicReference<ServerConnector> tcp = new AtomicReference<>();
        Javalin app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            QueuedThreadPool pool = new QueuedThreadPool(8, 1);
            pool.setName("raptor-metrics-http");
            pool.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("raptor-metrics-", 0).factory()));
            config.jetty.threadPool = pool;
            config.startup.showJavalinBanner = false;
            config.startup.startupWatcherEnabled = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(Duration.ofSeconds(2).toMillis());
                server.setStopAtShutdown(false);
            });
            config.jetty.addConnector((server, http) -> {
                ServerConnector c = new ServerConnector(server, new org.eclipse.jetty.server.HttpConnectionFactory(http));
                c.setHost(host);
                c.setPort(port);
                c.setName("metrics");
                tcp.set(c);
                return c;
            });
            config.routes.get("/metrics", endpoint::serve);
        });
        app.start();
        MetricsServer s = new MetricsServer(app, tcp, host);
        log.info("metrics on http://{}:{}/metrics (no credentials)", host, s.port());
        return s;
    }

    public int port() {
        ServerConnector c = connector.get();
        return c == null ? -1 : c.getLocalPort();
    }

    public String host() {
        return host;
    }

    @Override
    public void close() {
        app.stop();
    }
}
