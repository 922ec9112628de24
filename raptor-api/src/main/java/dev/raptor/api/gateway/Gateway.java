package dev.raptor.api.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.auth.Authenticator;
import dev.raptor.api.auth.Principal;
import dev.raptor.api.auth.TokenClaims;
import dev.raptor.api.http.Transport;
import dev.raptor.api.problem.ProblemMapper;
import dev.raptor.api.socketio.Handshake;
import dev.raptor.api.socketio.Namespace;
import dev.raptor.api.socketio.NamespaceSocket;
import dev.raptor.core.console.ConsoleHub;
import dev.raptor.core.messaging.MessageSockets;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.stats.StatsHub;
import dev.raptor.wire.socketio.GatewayError;
import dev.raptor.wire.socketio.GatewayErrorType;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Socket.IO gateway, the default namespace {@code /}: the flow-manager's container events
 * ({@code create_container}, {@code start_container}... {@code send_message}, {@code subscribe}) on the same
 * fleet, permissions and engine as the REST API. A client authenticates in the connection's {@code auth}
 * payload, {@code {token: "<node API key or server token>"}} (none over the Unix socket); a refused one hears
 * {@code connect_error} saying why. Each connection is a {@link GatewaySocket}.
 */
public final class Gateway implements Namespace, AutoCloseable {
    private final ServerFleet fleet;
    private final ConsoleHub consoles;
    private final StatsHub stats;
    private final MessageSockets messages;
    private final Authenticator authenticator;
    private final GatewayErrors errors;
    private final Duration actionWait;
    private final Map<String, GatewaySocket> open = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param actionWait how long a power event waits for its outcome before it is answered {@code pending} */
    /** @param authenticator checks the handshake's credential like a request's, refusals counted against the client's address */
    public Gateway(ServerFleet fleet, ConsoleHub consoles, StatsHub stats, MessageSockets messages, Authenticator authenticator,
                   ProblemMapper problems, Duration actionWait) {
        this.fleet = fleet;
        this.consoles = consoles;
        this.stats = stats;
        this.messages = messages;
        this.authenticator = authenticator;
        this.errors = new GatewayErrors(problems);
        this.actionWait = actionWait;
    }

    @Override
    public Admission connect(Handshake handshake, NamespaceSocket socket) {
        if (closed) {
            return refused("the daemon is shutting down", GatewayErrorType.INTERNAL_ERROR);
        }
        GatewayGrant grant;
        if (handshake.transport() == Transport.UNIX) {
            grant = GatewayGrant.node("unix socket");
        } else {
            JsonNode token = handshake.auth() == null ? null : handshake.auth().get("token");
            if (token == null || !token.isTextual() || token.asText().isBlank()) {
                return refused("authentication required: connect with auth {token: \"<node API key or server token>\"}",
                        GatewayErrorType.PERMISSION_DENIED);
            }
            String credential = token.asText().strip();
            if (credential.regionMatches(true, 0, "Bearer ", 0, 7)) {
                credential = credential.substring(7).strip();
            }
            try {
                grant = switch (authenticator.credential(credential, handshake.client())) {
                    case Principal.ServerToken(TokenClaims claims) -> GatewayGrant.of(claims);
                    case Principal.NodeKey k -> GatewayGrant.node("node API key");
                    case Principal.LocalSocket l -> GatewayGrant.node("unix socket");
                };
            } catch (Authenticator.Refused r) {
                return refused(r.retryAfter().isPresent()
                        ? "too many refused credentials from this address: try again in " + Authenticator.seconds(r.retryAfter().get()) + " s"
                        : "invalid token: " + r.getMessage(), GatewayErrorType.PERMISSION_DENIED);
            }
        }
        GatewaySocket s = new GatewaySocket(this, socket, grant);
        open.put(socket.id(), s);
        s.start();
        return new Accepted(s);
    }

    private static Refused refused(String message, GatewayErrorType type) {
        return new Refused(message, GatewayError.of(type, message, null, "connect"));
    }

    void forget(GatewaySocket s) {
        open.values().remove(s);
    }

    /** Connected gateway sockets (tests prove none leaks). */
    public int openSockets() {
        return open.size();
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

    MessageSockets messages() {
        return messages;
    }

    GatewayErrors errors() {
        return errors;
    }

    Duration actionWait() {
        return actionWait;
    }

    /** Ends every connection's subscriptions (the Engine.IO sessions are closed by their server). */
    @Override
    public void close() {
        closed = true;
        for (GatewaySocket s : java.util.List.copyOf(open.values())) {
            s.disconnected("shutting down");
        }
    }
}
