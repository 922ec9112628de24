package dev.raptor.api.socketio;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.raptor.wire.json.WireJson;

/** One client's connection to one namespace: how the namespace talks back to it. */
public final class NamespaceSocket {
    private final String id;
    private final String namespace;
    private final SocketIoConnection connection;

    NamespaceSocket(String id, String namespace, SocketIoConnection connection) {
        this.id = id;
        this.namespace = namespace;
        this.connection = connection;
    }

    /** The socket's id, as the client sees it ({@code socket.id}). */
    public String id() {
        return id;
    }

    public String namespace() {
        return namespace;
    }

    /**
     * Sends an event with arguments (records of {@code raptor-wire}, written by its mapper). Waits for room
     * in the session's bounded outbox at most the write timeout; returns whether it was queued.
     */
    public boolean emit(String event, Object... args) {
        ArrayNode data = WireJson.mapper().createArrayNode();
        data.add(event);
        for (Object a : args) {
            data.add(WireJson.tree(a));
        }
        return connection.send(new SocketPacket(SocketPacket.Type.EVENT, namespace, -1, data));
    }

    /** Whether the socket is still connected. */
    public boolean connected() {
        return connection.connected(this);
    }

    /** Disconnects the socket from its namespace (the client hears {@code io server disconnect}). */
    public void disconnect() {
        connection.disconnect(this, "server namespace disconnect");
    }
}
