package dev.raptor.api.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.socketio.SocketConnectError;
import dev.raptor.wire.socketio.SocketConnected;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Socket.IO layer of one Engine.IO session: the namespaces the client joined (each a
 * {@link NamespaceSocket} and its listener), packets decoded and routed to them, acknowledgements sent back.
 */
final class SocketIoConnection implements EngineSession.Listener {
    private static final Logger log = LoggerFactory.getLogger(SocketIoConnection.class);

    private record Joined(NamespaceSocket socket, Namespace.SocketListener listener) {
    }

    private final EngineSession session;
    private final Map<String, Namespace> namespaces;
    private final Map<String, Joined> joined = new ConcurrentHashMap<>();
    private final Thread connectTimer;

    SocketIoConnection(EngineSession session, Map<String, Namespace> namespaces, EngineSettings settings) {
        this.session = session;
        this.namespaces = namespaces;
        // a session that joins no namespace in time is ended, as the reference server does
        this.connectTimer = Thread.ofVirtual().name("socketio-connect-timer-" + session.sid()).start(() -> {
            try {
                Thread.sleep(settings.connectTimeout());
                if (joined.isEmpty()) {
                    session.close("no namespace joined within " + settings.connectTimeout().toSeconds() + " s");
                }
            } catch (InterruptedException e) {
                // closed or joined
            }
        });
    }

    @Override
    public void message(String data) {
        SocketPacket p;
        try {
            p = SocketPacket.decode(data);
        } catch (IllegalArgumentException e) {
            log.debug("socketio session={} bad packet: {}", session.sid(), e.getMessage());
            session.close("parse error");
            return;
        }
        switch (p.type()) {
            case CONNECT -> connect(p);
            case DISCONNECT -> {
                Joined j = joined.remove(p.namespace());
                if (j != null) {
                    j.listener().disconnected("client namespace disconnect");
                }
            }
            case EVENT, BINARY_EVENT -> event(p);
            default -> log.debug("socketio session={} ignored a {} packet", session.sid(), p.type());
        }
    }

    private void connect(SocketPacket p) {
        Namespace ns = namespaces.get(p.namespace());
        if (ns == null) {
            send(new SocketPacket(SocketPacket.Type.CONNECT_ERROR, p.namespace(), -1,
                    WireJson.tree(new SocketConnectError("Invalid namespace", null))));
            return;
        }
        if (joined.containsKey(p.namespace())) {
            return;
        }
        NamespaceSocket socket = new NamespaceSocket(EngineServer.newId(), p.namespace(), this);
        Namespace.Admission a;
        try {
            a = ns.connect(new Handshake(p.data() == null || p.data().isNull() ? null : p.data(), session.origin(), session.client()), socket);
        } catch (RuntimeException e) {
            log.warn("socketio session={} namespace {} failed to decide a connection", session.sid(), p.namespace(), e);
            a = new Namespace.Refused("internal error", null);
        }
        switch (a) {
            case Namespace.Accepted(Namespace.SocketListener listener) -> {
                joined.put(p.namespace(), new Joined(socket, listener));
                connectTimer.interrupt();
                send(new SocketPacket(SocketPacket.Type.CONNECT, p.namespace(), -1, WireJson.tree(new SocketConnected(socket.id()))));
            }
            case Namespace.Refused(String message, Object data) -> {
                JsonNode body = WireJson.mapper().createObjectNode().put("message", message);
                if (data != null) {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) body).set("data", WireJson.tree(data));
                }
                send(new SocketPacket(SocketPacket.Type.CONNECT_ERROR, p.namespace(), -1, body));
            }
        }
    }

    private void event(SocketPacket p) {
        Joined j = joined.get(p.namespace());
        if (j == null) {
            return; // the reference server ignores packets for a namespace the client has not joined
        }
        if (p.data() == null || !p.data().isArray() || p.data().isEmpty() || !p.data().get(0).isTextual()) {
            session.close("parse error");
            return;
        }
        String name = p.data().get(0).asText();
        List<JsonNode> args = new ArrayList<>();
        for (int i = 1; i < p.data().size(); i++) {
            args.add(p.data().get(i));
        }
        Namespace.Ack ack = p.ackId() < 0 ? null : ack(p.namespace(), p.ackId());
        j.listener().event(name, args, ack);
    }

    private Namespace.Ack ack(String namespace, long id) {
        AtomicBoolean sent = new AtomicBoolean();
        return args -> {
            if (!sent.compareAndSet(false, true)) {
                return;
            }
            ArrayNode data = WireJson.mapper().createArrayNode();
            for (Object a : args) {
                data.add(WireJson.tree(a));
            }
            send(new SocketPacket(SocketPacket.Type.ACK, namespace, id, data));
        };
    }

    boolean send(SocketPacket p) {
        return session.send(EnginePacket.message(p.encode()));
    }

    boolean connected(NamespaceSocket socket) {
        Joined j = joined.get(socket.namespace());
        return j != null && j.socket() == socket && !session.isClosed();
    }

    void disconnect(NamespaceSocket socket, String reason) {
        Joined j = joined.get(socket.namespace());
        if (j == null || j.socket() != socket || !joined.remove(socket.namespace(), j)) {
            return;
        }
        send(new SocketPacket(SocketPacket.Type.DISCONNECT, socket.namespace(), -1, null));
        j.listener().disconnected(reason);
    }

    @Override
    public void closed(String reason) {
        connectTimer.interrupt();
        for (String ns : List.copyOf(joined.keySet())) {
            Joined j = joined.remove(ns);
            if (j != null) {
                try {
                    j.listener().disconnected(reason);
                } catch (RuntimeException e) {
                    log.warn("socketio session={} namespace {} failed to end a socket", session.sid(), ns, e);
                }
            }
        }
    }
}
