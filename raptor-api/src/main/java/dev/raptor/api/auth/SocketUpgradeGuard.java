package dev.raptor.api.auth;

import dev.raptor.api.http.CorsPolicy;
import dev.raptor.api.http.Query;
import dev.raptor.api.http.Transport;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.wire.problem.Problem;
import io.javalin.http.Context;
import io.javalin.websocket.WsContext;

import java.util.UUID;

/**
 * The checks a WebSocket upgrade onto one server's socket ({@code /servers/{id}/ws}, {@code /servers/{id}/exec/ws})
 * passes before it is accepted, the same for every such socket, in this order: 503 while the daemon shuts down, 403
 * for a page of an origin not allowed ({@link CorsPolicy#checkUpgrade}), 404 for an unknown server, then the
 * {@code Authorization} header if there is one: 401/403/429 as for a request, 403 for a server token of another
 * server or without the permission the socket needs. Without a header the upgrade is let through unauthenticated:
 * a browser cannot set headers, and the socket's first message authenticates instead.
 */
public final class SocketUpgradeGuard {
    /**
     * An upgrade let through.
     *
     * @param principal who the header (or the Unix socket) says the client is; null when its first message must say
     * @param client    the TCP client's address, which a first message's refused token counts against; null over the
     *                  Unix socket
     */
    public record Admitted(UUID serverId, Principal principal, String client) {
    }

    /** Where {@link #admit} leaves the admission for the socket's connect handler ({@link #admitted}). */
    private static final String ADMITTED = "raptor.socket.admitted";

    private final ServerFleet fleet;
    private final Authenticator authenticator;
    private final CorsPolicy cors;

    public SocketUpgradeGuard(ServerFleet fleet, Authenticator authenticator, CorsPolicy cors) {
        this.fleet = fleet;
        this.authenticator = authenticator;
        this.cors = cors;
    }

    /**
     * @param closing whether the socket's endpoint is shutting down
     * @param needed  the permission a server token must hold for this socket, or null for none beyond its server
     * @throws ProblemException when the upgrade is refused
     */
    public Admitted admit(Context ctx, boolean closing, Permission needed) {
        if (closing) {
            throw new ProblemException(Problem.of(503, "shutting-down", "Shutting down", "the daemon is shutting down"));
        }
        cors.checkUpgrade(ctx);
        UUID id = Query.serverId(ctx);
        fleet.controller(id);
        Principal principal = null;
        String client = null;
        if (Transport.of(ctx) == Transport.UNIX) {
            principal = new Principal.LocalSocket();
        } else {
            client = authenticator.client(ctx);
        }
        if (principal == null && ctx.header("Authorization") != null) {
            principal = authenticator.authenticate(ctx);
            if (principal instanceof Principal.ServerToken(TokenClaims claims)) {
                requireFor(claims, id, needed);
            }
        }
        Admitted admitted = new Admitted(id, principal, client);
        ctx.attribute(ADMITTED, admitted);
        return admitted;
    }

    /** The admission {@link #admit} gave this socket's upgrade request. */
    public static Admitted admitted(WsContext ctx) {
        Admitted admitted = ctx.attribute(ADMITTED);
        if (admitted == null) {
            throw new IllegalStateException("socket " + ctx.sessionId() + " was upgraded without SocketUpgradeGuard.admit");
        }
        return admitted;
    }

    /**
     * A plain {@code GET} of a socket's address: 426 with {@code Upgrade: websocket} and {@code how} to connect.
     *
     * @throws ProblemException always (after a 404 for an unknown server id's shape)
     */
    public static void upgradeRequired(Context ctx, String how) {
        Query.serverId(ctx);
        ctx.header("Upgrade", "websocket");
        throw new ProblemException(Problem.of(426, "upgrade-required", "WebSocket upgrade required", how));
    }

    /**
     * That a server token is for {@code serverId} and holds {@code needed} (when not null).
     *
     * @throws ProblemException 403 saying which
     */
    public static void requireFor(TokenClaims claims, UUID serverId, Permission needed) {
        if (!claims.serverId().equals(serverId)) {
            throw new ProblemException(Problem.of(403, "forbidden", "Forbidden", "the token is for server " + claims.serverId() + ", not this one"));
        }
        if (needed != null && !claims.permissions().contains(needed)) {
            throw new ProblemException(Problem.of(403, "forbidden", "Forbidden", "the token lacks the '" + needed.wireName() + "' permission"));
        }
    }
}
