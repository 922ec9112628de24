package dev.raptor.api.http;

import java.time.Duration;

/**
 * How many selector threads each connector of the API runs (TCP, TLS, Unix socket), and how long it keeps an
 * idle connection.
 *
 * <p>Jetty's default on 2 cores is one selector for the whole connector. That thread reads every connection's
 * bytes (the panel's requests, every console socket), and every answered request and every console write that
 * did not fit its socket wakes it with {@code Selector.wakeup()}, which the JDK serialises with the selector's
 * own {@code clearInterrupt} on one monitor: in a storm of 100 recreates with 100 consoles it sat blocked there
 * up to 665 ms, reading nothing. Several selectors split the connections (and the wake-ups) between them. Each
 * is a platform thread, so the count follows the cores the JVM sees (its cgroup's), at least 2 and at most 4.
 *
 * <p>{@link #IDLE_TIMEOUT} is the daemon's keep-alive: a connection with no request for that long is closed.
 * A client must let go of its idle connections sooner ({@code RaptorClient} does after 15 s): one that reuses a
 * connection just as the daemon closes it sends its request into a closing socket, and the request fails.
 */
public final class ConnectorSelectors {
    /** The keep-alive of an idle connection (Jetty's default, stated so that clients can be held to it). */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    private ConnectorSelectors() {
    }

    /** Selector threads per connector: the available processors, at least 2, at most 4. */
    public static int count() {
        return Math.clamp(Runtime.getRuntime().availableProcessors(), 2, 4);
    }
}
