package dev.raptor.api.console;

import dev.raptor.api.auth.Authenticator;
import dev.raptor.api.auth.Principal;
import dev.raptor.api.auth.SocketUpgradeGuard;
import dev.raptor.api.auth.TokenClaims;
import dev.raptor.api.http.CorsPolicy;
import dev.raptor.core.console.ConsoleHub;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.query.GameStatuses;
import dev.raptor.core.stats.StatsHub;
import dev.raptor.wire.game.GameStatusDocument;
import io.javalin.http.Context;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServletFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console WebSocket endpoint, {@code GET /api/v1/servers/{id}/ws}: checks the upgrade (the server
 * exists; credentials in the {@code Authorization} header, if any, are valid for it), then hands each
 * connection to a {@link ConsoleConnection}. A browser that cannot set headers authenticates with its
 * first message instead. The protocol is described in {@code raptor-api/README-console.md}.
 */
public final class ConsoleSockets implements AutoCloseable {
    private final ServerFleet fleet;
    private final ConsoleHub consoles;
    private final StatsHub stats;
    private final Authenticator authenticator;
    private final SocketUpgradeGuard upgrades;
    private final ConsoleSocketSettings settings;
    private final GameStatuses games;
    private final Map<String, ConsoleConnection> open = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param authenticator checks credentials (in the upgrade's header or the {@code auth} message) and counts refusals
     * @param cors          which pages may open a socket: the upgrade's {@code Origin} is checked against it
     */
    public ConsoleSockets(ServerFleet fleet, ConsoleHub consoles, StatsHub stats, Authenticator authenticator, CorsPolicy cors,
                          ConsoleSocketSettings settings, GameStatuses games) {
        this.fleet = fleet;
        this.games = games;
        this.consoles = consoles;
        this.stats = stats;
        this.authenticator = authenticator;
        this.upgrades = new SocketUpgradeGuard(fleet, authenticator, cors);
        this.settings = settings;
    }

    ServerFleet fleet() {
        return fleet;
    }

    ConsoleHub consoles() {
        return consoles;
    }

    StatsHub stats() {
        return stats;
    }

    /** The server's game status for its stats events; null when its spec names no query or it was not asked yet. */
    GameStatusDocument game(java.util.UUID serverId) {
        return fleet.find(serverId).map(s -> s.stored().spec()).filter(spec -> spec.query() != null)
                .flatMap(spec -> games.latest(serverId).map(r -> GameStatusDocument.of(r, spec.query().protocol()))).orElse(null);
    }

    EventBus bus() {
        return fleet.bus();
    }

    /** Open console sockets (tests prove none leaks). */
    public int openSockets() {
        return open.size();
    }

    // ------------------------------------------------------------------ routes

    /**
     * {@code wsBeforeUpgrade}: the {@link SocketUpgradeGuard}'s checks (503, 403 for a page of an origin not allowed,
     * 404 for an unknown server, 401/403/429 for a bad {@code Authorization} header).
     */
    public void beforeUpgrade(Context ctx) {
        upgrades.admit(ctx, closed, null);
    }

    /** {@code GET …/ws} without an upgrade: 426, saying how to connect. */
    public void upgradeRequired(Context ctx) {
        SocketUpgradeGuard.upgradeRequired(ctx, "this is the console WebSocket: connect with a WebSocket client "
                + "(Upgrade: websocket) and send {\"event\": \"auth\", \"args\": [\"<token>\"]}");
    }

    /** The socket's handlers. */
    public void configure(WsConfig ws) {
        ws.onConnect(ctx -> {
            UUID id = UUID.fromString(ctx.pathParam("id"));
            SocketUpgradeGuard.Admitted admitted = SocketUpgradeGuard.admitted(ctx);
            Principal principal = admitted.principal();
            ConsoleConnection socket = new ConsoleConnection(this, id, ctx.session, settings,
                    principal == null ? null : SocketGrant.of(principal), admitted.client());
            open.put(ctx.sessionId(), socket);
            if (closed) {
                socket.close(1001, "the daemon is shutting down");
                return;
            }
            socket.start();
        });
        ws.onMessage(ctx -> {
            ConsoleConnection s = open.get(ctx.sessionId());
            if (s != null) {
                s.received(ctx.message());
            }
        });
        ws.onClose(ctx -> ended(ctx));
        ws.onError(ctx -> ended(ctx));
    }

    private void ended(WsContext ctx) {
        ConsoleConnection s = open.remove(ctx.sessionId());
        if (s != null) {
            s.close(1000, null);
        }
    }

    /** Jetty's limits for these sockets. */
    public void configureFactory(JettyWebSocketServletFactory factory) {
        factory.setIdleTimeout(settings.idleTimeout());
        factory.setMaxTextMessageSize(settings.maxMessageBytes());
        factory.setMaxBinaryMessageSize(1024);
    }

    void forget(ConsoleConnection socket) {
        open.values().remove(socket);
    }

    // ------------------------------------------------------------------ credentials

    /** A credential was refused; the message is what the client is told (sent as {@code jwt error}). */
    static final class CredentialRejected extends Exception {
        CredentialRejected(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * What {@code credential} (the node API key or a server token) allows on {@code serverId}; a refusal counts against
     * {@code client} like a refused request (null: the Unix socket, never counted).
     */
    SocketGrant grant(String credential, UUID serverId, String client) throws CredentialRejected {
        if (credential == null || credential.isBlank()) {
            throw new CredentialRejected("the auth message needs the token as its argument");
        }
        String c = credential.strip();
        if (c.regionMatches(true, 0, "Bearer ", 0, 7)) {
            c = c.substring(7).strip();
        }
        Principal principal;
        try {
            principal = authenticator.credential(c, client);
        } catch (Authenticator.Refused r) {
            throw new CredentialRejected(r.retryAfter().isPresent()
                    ? "too many refused credentials from this address: try again in " + Authenticator.seconds(r.retryAfter().get()) + " s"
                    : r.getMessage());
        }
        if (principal instanceof Principal.ServerToken(TokenClaims claims) && !claims.serverId().equals(serverId)) {
            throw new CredentialRejected("the token is for server " + claims.serverId() + ", not this one");
        }
        return SocketGrant.of(principal);
    }

    // ------------------------------------------------------------------ ending

    /** Closes every console socket (1001) and waits, bounded, for their threads. */
    @Override
    public void close() {
        closed = true;
        List<ConsoleConnection> all = List.copyOf(open.values());
        for (ConsoleConnection s : all) {
            s.close(1001, "the daemon is shutting down");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        try {
            for (ConsoleConnection s : all) {
                s.awaitTermination(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
