package dev.raptor.api.socketio;

import dev.raptor.api.auth.Authenticator;
import dev.raptor.api.http.CorsPolicy;

import java.util.Map;

/**
 * A Socket.IO (protocol 5: Socket.IO 3 and 4 clients) server on {@link EngineServer}: JSON events,
 * acknowledgements, namespaces, connection errors. Binary attachments are not supported (the gateway's
 * documents are JSON). Each namespace's {@link Namespace} decides connections and handles events.
 */
public final class SocketIoServer implements AutoCloseable {
    /** The path clients use by default, and the one the daemon serves. */
    public static final String PATH = "/socket.io";

    private final EngineServer engine;

    /**
     * @param namespaces    by name ({@code "/"} is the default namespace)
     * @param authenticator tells a request's client address (for the failed-auth limit)
     * @param cors          which pages may open the WebSocket (long-polling requests pass the API's CORS filter)
     */
    public SocketIoServer(EngineSettings settings, Map<String, Namespace> namespaces, Authenticator authenticator, CorsPolicy cors) {
        Map<String, Namespace> copy = Map.copyOf(namespaces);
        this.engine = new EngineServer(settings, s -> new SocketIoConnection(s, copy, settings), authenticator, cors);
    }

    public EngineServer engine() {
        return engine;
    }

    @Override
    public void close() {
        engine.close();
    }
}
