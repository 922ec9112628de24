package dev.raptor.api.socketio;

import dev.raptor.api.auth.Authenticator;
import dev.raptor.api.http.CorsPolicy;
import dev.raptor.api.http.Transport;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.socketio.EngineHandshake;
import io.javalin.http.Context;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Engine.IO protocol 4, the transport under Socket.IO, inside the daemon's own Jetty: long-polling on
 * {@code GET} and {@code POST /socket.io/} (a Javalin route on a virtual thread per request) and the
 * WebSocket on the same path, both at the daemon's HTTP address and on its Unix socket. A session
 * starts on either transport; one on long-polling may upgrade to a WebSocket ({@code 2probe},
 * {@code 3probe}, {@code 5}). What the sessions carry is the {@link Listener}'s business.
 */
public final class EngineServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EngineServer.class);
    private static final String SESSION = "raptor.socketio.session";
    private static final String ORIGIN = "raptor.socketio.origin";
    private static final String CLIENT = "raptor.socketio.client";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EngineSettings settings;
    private final Function<EngineSession, EngineSession.Listener> listeners;
    private final Authenticator authenticator;
    private final CorsPolicy cors;
    private final Map<String, EngineSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, EngineSession> byWebSocket = new ConcurrentHashMap<>();
    private volatile boolean closed;

    EngineServer(EngineSettings settings, Function<EngineSession, EngineSession.Listener> listeners, Authenticator authenticator,
                 CorsPolicy cors) {
        this.settings = settings;
        this.listeners = listeners;
        this.authenticator = authenticator;
        this.cors = cors;
    }

    /** Open sessions (tests prove none leaks). */
    public int openSessions() {
        return sessions.size();
    }

    // ------------------------------------------------------------------ long-polling

    /** {@code GET /socket.io/}: a new session's handshake, or a poll. */
    public void get(Context ctx) {
        check(ctx, "polling");
        String sid = ctx.queryParam("sid");
        if (sid == null) {
            if (closed) {
                throw EngineRefusal.badRequest("shutting down");
            }
            EngineSession s = new EngineSession(newId(), Transport.of(ctx), clientOf(ctx), EngineSession.Mode.POLLING, null, settings, this);
            sessions.put(s.sid(), s);
            s.start(listeners.apply(s));
            text(ctx, new EnginePacket(EnginePacket.Type.OPEN, WireJson.write(handshake(s, List.of("websocket")))).encode());
            return;
        }
        EngineSession s = session(sid);
        text(ctx, s.poll(settings.pingInterval().plus(settings.pingTimeout())));
    }

    /** {@code POST /socket.io/?sid=…}: packets from the client. */
    public void post(Context ctx) {
        check(ctx, "polling");
        String sid = ctx.queryParam("sid");
        if (sid == null) {
            throw EngineRefusal.badHandshakeMethod("a session starts with a GET");
        }
        EngineSession s = session(sid);
        String body = new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8);
        if (body.length() > settings.maxPayload()) {
            s.close("payload too large");
            throw EngineRefusal.badRequest("the payload exceeds " + settings.maxPayload() + " bytes");
        }
        List<EnginePacket> packets;
        try {
            packets = EnginePacket.decodePayload(body);
        } catch (IllegalArgumentException e) {
            s.close("parse error");
            throw EngineRefusal.badRequest(e.getMessage());
        }
        s.posted(packets);
        text(ctx, "ok");
    }

    /** Writes a refusal: 400 and the reference server's body. */
    public static void refuse(EngineRefusal e, Context ctx) {
        log.debug("socketio request refused: {}", e.getMessage());
        ctx.status(400).contentType(dev.raptor.wire.problem.Problem.MEDIA_TYPE).result(WireJson.writeBytes(e.error()));
    }

    private static void text(Context ctx, String body) {
        // Which pages may poll is the API's CORS policy (its before-filter answered for the Origin already).
        ctx.header("Cache-Control", "no-store");
        ctx.status(200).contentType("text/plain; charset=UTF-8").result(body.getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ WebSocket

    /** {@code wsBeforeUpgrade}: the query names Engine.IO 4 and the websocket transport, and a known session if any. */
    public void beforeUpgrade(Context ctx) {
        check(ctx, "websocket");
        if (closed) {
            throw EngineRefusal.badRequest("shutting down");
        }
        String sid = ctx.queryParam("sid");
        if (sid != null) {
            session(sid);
        }
        String origin = ctx.header("Origin");
        if (origin != null && Transport.of(ctx) == Transport.TCP && !cors.allows(origin, ctx)) {
            // a page of another site must not open a socket in its visitor's name (cross-site WebSocket hijacking)
            throw EngineRefusal.forbidden("the origin " + origin + " is not allowed (corsOrigins)");
        }
        ctx.attribute(ORIGIN, Transport.of(ctx));
        ctx.attribute(CLIENT, clientOf(ctx));
    }

    private String clientOf(Context ctx) {
        return Transport.of(ctx) == Transport.UNIX ? null : authenticator.client(ctx);
    }

    /** The WebSocket's handlers. */
    public void configure(WsConfig ws) {
        ws.onConnect(ctx -> {
            ctx.session.setMaxTextMessageSize(settings.maxPayload());
            String sid = ctx.queryParam("sid");
            if (sid == null) {
                Transport origin = ctx.attribute(ORIGIN);
                EngineSession s = new EngineSession(newId(), origin == null ? Transport.TCP : origin, ctx.attribute(CLIENT),
                        EngineSession.Mode.WEBSOCKET,
                        ctx.session, settings, this);
                sessions.put(s.sid(), s);
                byWebSocket.put(ctx.sessionId(), s);
                s.send(new EnginePacket(EnginePacket.Type.OPEN, WireJson.write(handshake(s, List.of()))));
                s.start(listeners.apply(s));
                if (closed) {
                    s.close("shutting down");
                }
                return;
            }
            EngineSession s = sessions.get(sid);
            if (s == null || !s.probeWith(ctx.session)) {
                ctx.session.close(1008, "Session ID unknown", Callback.NOOP);
                return;
            }
            byWebSocket.put(ctx.sessionId(), s);
        });
        ws.onMessage(ctx -> {
            EngineSession s = byWebSocket.get(ctx.sessionId());
            if (s != null) {
                s.wsText(ctx.session, ctx.message());
            }
        });
        ws.onBinaryMessage(ctx -> log.debug("socketio ignored a binary frame (the gateway speaks JSON only)"));
        ws.onClose(this::wsEnded);
        ws.onError(this::wsEnded);
    }

    private void wsEnded(WsContext ctx) {
        EngineSession s = byWebSocket.remove(ctx.sessionId());
        if (s != null) {
            s.wsClosed(ctx.session);
        }
    }

    // ------------------------------------------------------------------ sessions

    private void check(Context ctx, String transport) {
        String eio = ctx.queryParam("EIO");
        if (!"4".equals(eio)) {
            throw EngineRefusal.unsupportedProtocol("EIO=" + eio + "; this server speaks Engine.IO 4 (Socket.IO 3 and 4 clients)");
        }
        String t = ctx.queryParam("transport");
        if (!"polling".equals(t) && !"websocket".equals(t)) {
            throw EngineRefusal.unknownTransport("transport=" + t);
        }
        if (!transport.equals(t)) {
            throw EngineRefusal.badRequest("transport=" + t + " on a " + transport + " request");
        }
    }

    private EngineSession session(String sid) {
        EngineSession s = sessions.get(sid);
        if (s == null) {
            throw EngineRefusal.unknownSession("sid=" + sid);
        }
        return s;
    }

    private EngineHandshake handshake(EngineSession s, List<String> upgrades) {
        return new EngineHandshake(s.sid(), upgrades, settings.pingInterval().toMillis(), settings.pingTimeout().toMillis(),
                settings.maxPayload());
    }

    void forget(EngineSession s) {
        sessions.remove(s.sid(), s);
        byWebSocket.values().removeIf(v -> v == s);
    }

    static String newId() {
        byte[] b = new byte[15];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Ends every session and waits, bounded, for their threads. */
    @Override
    public void close() {
        closed = true;
        List<EngineSession> all = List.copyOf(sessions.values());
        for (EngineSession s : all) {
            s.close("shutting down");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        try {
            for (EngineSession s : all) {
                s.awaitTermination(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
