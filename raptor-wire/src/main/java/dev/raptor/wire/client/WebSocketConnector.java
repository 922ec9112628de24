package dev.raptor.wire.client;

import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.JettyUpgradeListener;
import org.eclipse.jetty.websocket.client.WebSocketClient;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Jetty's WebSocket client on the {@link RaptorClient}'s HTTP client, so that console sockets go where
 * the requests go (the Unix socket included, see {@code DaemonHttp.Http11}) with the same credential.
 */
final class WebSocketConnector implements AutoCloseable {
    /** Large enough for the biggest batch of console output the daemon sends in one message. */
    private static final long MAX_MESSAGE_BYTES = 16L * 1024 * 1024;
    /** The daemon pings every 30 s; a socket silent for longer than this is dead. */
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(2);

    private final DaemonHttp http;
    private final WebSocketClient ws;

    WebSocketConnector(DaemonHttp http) {
        this.http = http;
        this.ws = new WebSocketClient(http.http);
        ws.setMaxTextMessageSize(MAX_MESSAGE_BYTES);
        ws.setIdleTimeout(IDLE_TIMEOUT);
        try {
            ws.start();
        } catch (Exception e) {
            throw new IllegalStateException("the WebSocket client did not start: " + e, e);
        }
    }

    ConsoleWebSocket connect(String path, ConsoleWebSocket.Listener listener, Duration timeout) {
        ConsoleWebSocket socket = new ConsoleWebSocket(listener);
        open(path, socket.endpoint(), timeout);
        return socket;
    }

    /** Opens the exec socket at {@code path}; the caller sends its start message next. */
    ExecWebSocket connectExec(String path, ExecWebSocket.Listener listener, Duration timeout) {
        ExecWebSocket socket = new ExecWebSocket(listener);
        open(path, socket.endpoint(), timeout);
        return socket;
    }

    private void open(String path, org.eclipse.jetty.websocket.api.Session.Listener endpoint, Duration timeout) {
        URI uri = http.uri(path, true);
        ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
        if (http.authorization != null) {
            upgrade.setHeader("Authorization", http.authorization);
        }
        AtomicBoolean connected = new AtomicBoolean();
        JettyUpgradeListener route = new JettyUpgradeListener() {
            @Override
            public void onHandshakeRequest(Request request) {
                connected.set(true); // called once the upgrade request went out
            }
        };
        try {
            ws.connect(endpoint, uri, upgrade, route).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof UpgradeException u && u.getResponseStatusCode() > 0) {
                throw DaemonHttp.problem(u.getResponseStatusCode(), null, new byte[0]);
            }
            throw failure(path, cause, connected.get(), timeout);
        } catch (TimeoutException e) {
            throw failure(path, e, connected.get(), timeout);
        } catch (IOException e) {
            throw failure(path, e, false, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RaptorIoException("connecting the console socket was interrupted", e);
        }
    }

    private RaptorException failure(String path, Throwable cause, boolean connected, Duration timeout) {
        Request described = http.request(org.eclipse.jetty.http.HttpMethod.GET, path);
        return http.failure(described, cause, connected, timeout);
    }

    @Override
    public void close() {
        try {
            ws.stop();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
