package dev.raptor.api.auth;

import dev.raptor.api.http.ClientAddress;
import dev.raptor.api.http.Transport;
import dev.raptor.wire.problem.Problem;
import dev.raptor.api.problem.ProblemException;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Runs before every matched route: works out who is calling ({@link Principal}) and whether the
 * route's {@link Access} lets them. No or bad credentials answer 401; good credentials that do not
 * reach this route (a token for another server, or without the permission) answer 403. Requests
 * over the Unix socket need no credentials.
 *
 * <p>Over TCP, refused credentials count against the client's address ({@link FailedAuthLimit}); a blocked address
 * is answered 429 with {@code Retry-After} before its credential is looked at. Every refused credential is answered
 * with the same 401 detail ({@link #REFUSED}) whatever failed, so a forger learns nothing; the reason is logged at
 * debug with the client's address (never the credential).
 */
public final class Authenticator implements Handler {
    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
    /** Request attribute holding the {@link Principal}. */
    public static final String PRINCIPAL = "raptor.principal";
    /** What a client is told about any refused credential. */
    public static final String REFUSED = "the bearer credential is neither this node's API key nor a valid server token";
    /** What a client sending {@code Bearer} and nothing after it is told. */
    static final String EMPTY = "the bearer token is empty: 'Authorization: Bearer <API key or server token>' needs the key"
            + " or token after 'Bearer ' (was the variable holding it empty?)";

    private static final String BEARER = "bearer";
    /** The node key's principal: one for every request that presents it. */
    private static final Principal NODE_KEY = new Principal.NodeKey();

    private final ApiKey apiKey;
    private final TokenService tokens;
    private final Function<String, Optional<OperationOwner>> operationServer;
    private final FailedAuthLimit limit;
    private final ClientAddress clients;

    /**
     * @param operationServer the server and kind of an operation id, for {@link Access.OnOperation} routes
     * @param limit           counts refused credentials per client address
     * @param clients         who a request comes from (the peer, or behind trusted proxies)
     */
    public Authenticator(ApiKey apiKey, TokenService tokens, Function<String, Optional<OperationOwner>> operationServer,
                         FailedAuthLimit limit, ClientAddress clients) {
        this.apiKey = apiKey;
        this.tokens = tokens;
        this.operationServer = operationServer;
        this.limit = limit;
        this.clients = clients;
    }

    /** A refused credential: 401, or 429 when the client's address is blocked ({@link #retryAfter} says how long). */
    public static final class Refused extends RuntimeException {
        private final Duration retryAfter;

        Refused(String message, Duration retryAfter) {
            super(message, null, false, false);
            this.retryAfter = retryAfter;
        }

        /** How long the client's address is still blocked; empty for a plain refusal. */
        public Optional<Duration> retryAfter() {
            return Optional.ofNullable(retryAfter);
        }
    }

    @Override
    public void handle(Context ctx) {
        Access access = Access.NODE;
        for (io.javalin.security.RouteRole role : ctx.routeRoles()) { // a loop, not a stream: this runs for every request
            if (role instanceof Access a) {
                access = a;
                break;
            }
        }
        if (access instanceof Access.Public || access instanceof Access.SignedLink) {
            return;
        }
        require(ctx, access);
    }

    /**
     * Authenticates and authorizes the caller for {@code access} inside a handler: for a public route whose
     * parameters ask for more (the deep health check needs the node key).
     *
     * @throws ProblemException 401, 403 or 429 as {@link #handle} would
     */
    public void require(Context ctx, Access access) {
        Principal principal = Transport.of(ctx) == Transport.UNIX ? new Principal.LocalSocket() : authenticate(ctx);
        authorize(principal, access, ctx);
        ctx.attribute(PRINCIPAL, principal);
    }

    /** The caller's principal for a bearer credential (the API key or a server token) on a TCP request. */
    public Principal authenticate(Context ctx) {
        String client = clients.of(ctx);
        try {
            blockedCheck(client);
            String header = ctx.header("Authorization");
            if (header == null || header.isBlank()) {
                throw new Refused("this request needs 'Authorization: Bearer <API key or server token>'", null);
            }
            String value = header.strip();
            int space = value.indexOf(' ');
            // the scheme is case-insensitive (RFC 9110 11.1), compared in place
            if ((space < 0 ? value.length() : space) != BEARER.length() || !value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                throw new Refused("only the Bearer scheme is accepted: 'Authorization: Bearer <API key or server token>'", null);
            }
            String credential = space < 0 ? "" : value.substring(space + 1).strip();
            if (credential.isEmpty()) {
                // "Bearer " and nothing after it: a shell variable that was empty, e.g. KEY not set (not a guess: not counted)
                throw new Refused(EMPTY, null);
            }
            return check(credential, client);
        } catch (Refused r) {
            throw problem(ctx, r);
        }
    }

    /**
     * Whether a TCP request bearing {@code authorization} from {@code peer} comes with this node's API key, looked at
     * without answering, logging or counting anything: true only when the header is {@code Bearer <the API key>} and the
     * client's address is not blocked. For the poll answered where Jetty read it ({@code PolledListInPlace}); every
     * other request, and that poll whenever this says false, goes through {@link #handle}, which refuses, counts and
     * answers as it always does.
     *
     * @param forwardedFor the request's {@code X-Forwarded-For}, or null
     */
    public boolean isNodeKey(String authorization, String peer, String forwardedFor) {
        if (authorization == null) {
            return false;
        }
        String value = authorization.strip();
        int after = BEARER.length();
        if (value.length() <= after + 1 || value.charAt(after) != ' ' || !value.regionMatches(true, 0, BEARER, 0, after)) {
            return false;
        }
        if (limit.isBlocked(clients.of(peer, forwardedFor))) {
            return false;
        }
        return apiKey.matches(value.substring(after + 1).strip());
    }

    /** The client address of a TCP request, as the limit counts it. */
    public String client(Context ctx) {
        return clients.of(ctx);
    }

    /**
     * Checks a bearer credential presented by {@code client} outside the {@code Authorization} header (the console
     * socket's {@code auth} message), counting a refusal against it like a request's.
     *
     * @param client the client's address; null for the Unix socket, which is never limited
     *
     * @throws Refused when it is refused or the address is blocked
     */
    public Principal credential(String credential, String client) {
        blockedCheck(client);
        return check(credential == null ? "" : credential.strip(), client);
    }

    private void blockedCheck(String client) {
        Optional<Duration> left = client == null ? Optional.empty() : limit.blocked(client);
        if (left.isPresent()) {
            log.atDebug().addKeyValue("client", client).addKeyValue("retryAfterSeconds", seconds(left.get()))
                    .log("credential not checked: the address is blocked after too many refused credentials");
            throw new Refused("too many refused credentials from this address; try again later", left.get());
        }
    }

    private Principal check(String credential, String client) {
        if (apiKey.matches(credential)) {
            return NODE_KEY;
        }
        try {
            return new Principal.ServerToken(tokens.verify(credential));
        } catch (InvalidTokenException e) {
            boolean jwtShaped = credential.chars().filter(c -> c == '.').count() == 2;
            log.atDebug().addKeyValue("client", client).addKeyValue("reason", jwtShaped ? e.reason() : "NOT_THE_API_KEY")
                    .log("bearer credential refused: {}", jwtShaped ? e.getMessage() : "neither the API key nor a JWT");
            if (client != null) {
                limit.refused(client, e.reason().guess());
            }
            throw new Refused(REFUSED, null);
        }
    }

    private static ProblemException problem(Context ctx, Refused r) {
        if (r.retryAfter().isPresent()) {
            long s = seconds(r.retryAfter().get());
            ctx.header("Retry-After", Long.toString(s));
            return new ProblemException(Problem.of(429, "too-many-auth-failures", "Too many refused credentials",
                    "too many refused credentials from this address: try again in " + s + " s"));
        }
        Problem p = Problem.of(401, "unauthorized", "Authentication required", r.getMessage());
        return new ProblemException(r.getMessage().equals(REFUSED) || r.getMessage().equals(EMPTY) ? p.withError("invalid_token") : p);
    }

    /** Whole seconds, rounded up, at least 1 (Retry-After's unit). */
    public static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    private void authorize(Principal principal, Access access, Context ctx) {
        if (!(principal instanceof Principal.ServerToken(TokenClaims claims))) {
            return; // the node key and the Unix socket may do everything
        }
        switch (access) {
            case Access.Public p -> {
            }
            case Access.SignedLink l -> {
            }
            case Access.Node n -> throw forbidden("this route needs the node API key; a server token does not reach it");
            case Access.OnServer(Permission permission) -> require(claims, parseUuid(ctx.pathParam("id")), permission);
            case Access.OnOperation(Permission forPower, Permission forFiles) -> {
                OperationOwner owner = operationServer.apply(ctx.pathParam("opId")).orElse(null);
                require(claims, owner == null ? null : owner.serverId(),
                        owner != null && owner.kind() == dev.raptor.core.operation.OperationKind.FILES ? forFiles : forPower);
            }
        }
    }

    private static void require(TokenClaims claims, UUID server, Permission permission) {
        if (server == null || !claims.serverId().equals(server)) {
            throw forbidden("the token is for server " + claims.serverId() + ", not this one");
        }
        if (!claims.permissions().contains(permission)) {
            throw forbidden("the token lacks the '" + permission.wireName() + "' permission");
        }
    }

    private static UUID parseUuid(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static ProblemException forbidden(String detail) {
        return new ProblemException(Problem.of(403, "forbidden", "Forbidden", detail));
    }
}
