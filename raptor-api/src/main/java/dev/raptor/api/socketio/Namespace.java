package dev.raptor.api.socketio;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A Socket.IO namespace: decides who may connect to it and handles the events of each socket that did.
 * Its methods run on the Engine.IO session's control thread, in the order the client sent: they must
 * not block (hand long work to a thread of their own).
 */
public interface Namespace {

    /** Decides a connection attempt; {@code socket} is how the namespace talks to it once accepted. */
    Admission connect(Handshake handshake, NamespaceSocket socket);

    /** The outcome of a connection attempt. */
    sealed interface Admission permits Accepted, Refused {
    }

    /** The socket joins the namespace; its events go to {@code listener}. */
    record Accepted(SocketListener listener) implements Admission {
    }

    /** The client's {@code connect_error} gets an {@code Error} with {@code message}, and {@code data} as its {@code data}. */
    record Refused(String message, Object data) implements Admission {
    }

    /** What one accepted socket hears from its client. */
    interface SocketListener {
        /**
         * An event; {@code ack} is null when the client asked for no acknowledgement.
         *
         * @param args the event's arguments after its name
         */
        void event(String name, List<JsonNode> args, Ack ack);

        /** The socket left the namespace (the client disconnected, the session ended); called once. */
        void disconnected(String reason);
    }

    /** The acknowledgement a client asked for; the first {@link #send} answers, later ones are ignored. */
    interface Ack {
        void send(Object... args);
    }
}
