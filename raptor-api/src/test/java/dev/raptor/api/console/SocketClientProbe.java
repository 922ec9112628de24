package dev.raptor.api.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/** Tries a WebSocket upgrade and answers the HTTP status the daemon refused it with (101 if it was accepted). */
final class SocketClientProbe {
    private SocketClientProbe() {
    }

    static int upgradeStatus(HttpClient http, URI uri, String bearer) {
        try {
            WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + bearer)
                    .buildAsync(uri, new WebSocket.Listener() {
                    }).orTimeout(60, TimeUnit.SECONDS).join();
            ws.abort();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }
}
