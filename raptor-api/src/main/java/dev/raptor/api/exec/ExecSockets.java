package dev.raptor.api.exec;

import dev.raptor.api.auth.Authenticator;
import dev.raptor.api.auth.Permission;
import dev.raptor.api.auth.Principal;
import dev.raptor.api.auth.SocketUpgradeGuard;
import dev.raptor.api.auth.TokenClaims;
import dev.raptor.api.http.CorsPolicy;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.api.problem.ProblemMapper;
import dev.raptor.core.exec.ServerExec;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.wire.problem.Problem;
import io.javalin.http.Context;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The interactive exec endpoint, {@code GET /api/v1/servers/{id}/exec/ws}: a WebSocket carrying one command's input,
 * output and terminal size ({@link dev.raptor.wire.exec.ExecSocketMessage} says how). The upgrade is checked like the
 * console's (the server exists; credentials in the {@code Authorization} header, if any, are valid for it and hold
 * {@code exec}); a browser that cannot set headers puts its token in the {@code start} message instead. Each socket is
 * an {@link ExecConnection}.
 */
public final class ExecSockets implements AutoCloseable {
    private final ServerExec exec;
    private final Authenticator authenticator;
    private final ProblemMapper problems;
    private final SocketUpgradeGuard upgrades;
    private final Map<String, ExecConnection> open = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public ExecSockets(ServerFleet fleet, ServerExec exec, Authenticator authenticator, ProblemMapper problems, CorsPolicy cors) {
        this.exec = exec;
        this.authenticator = authenticator;
        this.problems = problems;
        this.upgrades = new SocketUpgradeGuard(fleet, authenticator, cors);
    }

    ServerExec exec() {
        return exec;
    }

    ProblemMapper problems() {
        return problems;
    }

    /** Exec sockets open now (tests prove none leaks). */
    public int openSockets() {
        return open.size();
    }

    /**
     * {@code wsBeforeUpgrade}: the {@link SocketUpgradeGuard}'s checks (503, 403 for an origin not allowed, 404 for an
     * unknown server, 401/403/429 for a bad {@code Authorization} header or a token without {@code exec}).
     */
    public void beforeUpgrade(Context ctx) {
        upgrades.admit(ctx, closed, Permission.EXEC);
    }

    /** {@code GET …/exec/ws} without an upgrade: 426, saying how to connect. */
    public void upgradeRequired(Context ctx) {
        SocketUpgradeGuard.upgradeRequired(ctx, "this is the interactive exec socket: connect with a WebSocket client "
                + "(Upgrade: websocket) and send {\"type\": \"start\", \"command\": [\"sh\"], \"tty\": true}");
    }

    public void configure(WsConfig ws) {
        ws.onConnect(ctx -> {
            UUID id = UUID.fromString(ctx.pathParam("id"));
            SocketUpgradeGuard.Admitted admitted = SocketUpgradeGuard.admitted(ctx);
            ExecConnection c = new ExecConnection(this, id, ctx.session, admitted.principal(), admitted.client());
            open.put(ctx.sessionId(), c);
            if (closed) {
                c.close(1001, "the daemon is shutting down");
                return;
            }
            c.start();
        });
        ws.onMessage(ctx -> {
            ExecConnection c = open.get(ctx.sessionId());
            if (c != null) {
                c.text(ctx.message());
            }
        });
        ws.onBinaryMessage(ctx -> {
            ExecConnection c = open.get(ctx.sessionId());
            if (c != null) {
                java.nio.ByteBuffer data = ctx.data();
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                c.input(bytes, 0, bytes.length);
            }
        });
        ws.onClose(this::ended);
        ws.onError(this::ended);
    }

    private void ended(WsContext ctx) {
        ExecConnection c = open.remove(ctx.sessionId());
        if (c != null) {
            c.close(1000, null);
        }
    }

    void forget(ExecConnection c) {
        open.values().remove(c);
    }

    /**
     * Who a {@code start} message's token is: the node API key, or a server token for this server with {@code exec}.
     *
     * @throws ProblemException 401 or 403
     */
    Principal principal(String token, UUID serverId, String client) {
        if (token == null || token.isBlank()) {
            throw new ProblemException(Problem.of(401, "unauthorized", "Authentication required",
                    "connect with 'Authorization: Bearer <API key or server token>' or put the token in the start message"));
        }
        String t = token.strip();
        if (t.regionMatches(true, 0, "Bearer ", 0, 7)) {
            t = t.substring(7).strip();
        }
        Principal principal;
        try {
            // Through the authenticator, so a refused token counts against the client's address like a request's.
            principal = authenticator.credential(t, client);
        } catch (Authenticator.Refused r) {
            if (r.retryAfter().isPresent()) {
                throw new ProblemException(Problem.of(429, "too-many-auth-failures", "Too many refused credentials",
                        "too many refused credentials from this address: try again in " + Authenticator.seconds(r.retryAfter().get()) + " s"));
            }
            throw new ProblemException(Problem.of(401, "unauthorized", "Authentication required", r.getMessage()));
        }
        if (principal instanceof Principal.ServerToken(TokenClaims claims)) {
            SocketUpgradeGuard.requireFor(claims, serverId, Permission.EXEC);
        }
        return principal;
    }

    /** Closes every exec socket (1001): their sessions end, their commands see a hangup. */
    @Override
    public void close() {
        closed = true;
        List<ExecConnection> all = List.copyOf(open.values());
        for (ExecConnection c : all) {
            c.close(1001, "the daemon is shutting down");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        for (ExecConnection c : all) {
            c.awaitEnd(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
    }
}
