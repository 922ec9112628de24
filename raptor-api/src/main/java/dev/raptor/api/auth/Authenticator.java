package dev.raptor.api.auth;

import dev.raptor.api.http.Transport;
import dev.raptor.wire.problem.Problem;
import dev.raptor.api.problem.ProblemException;
import io.javalin.http.Context;
import io.javalin.http.Handler;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Runs before every matched route: works out who is calling ({@link Principal}) and whether the
 * route's {@link Access} lets them. No or bad credentials answer 401; good credentials that do not
 * reach this route (a token for another server, or without the permission) answer 403. Requests
 * over the Unix socket need no credentials.
 */
public final class Authenticator implements Handler {
    /** Request attribute holding the {@link Principal}. */
    public static final String PRINCIPAL = "raptor.principal";

    private final ApiKey apiKey;
    private final TokenService tokens;
    private final Function<String, Optional<UUID>> operationServer;

    /** @param operationServer the server an operation id belongs to, for {@link Access.OnOperation} routes */
    public Authenticator(ApiKey apiKey, TokenService tokens, Function<String, Optional<UUID>> operationServer) {
        this.apiKey = apiKey;
        this.tokens = tokens;
        this.operationServer = operationServer;
    }

    @Override
    public void handle(Context ctx) {
        Access access = ctx.routeRoles().stream().filter(Access.class::isInstance).map(Access.class::cast)
                .findFirst().orElse(Access.NODE);
        if (access instanceof Access.Public) {
            return;
        }
        require(ctx, access);
    }

    /**
     * Authenticates and authorizes the caller for {@code access} inside a handler: for a public route whose
     * parameters ask for more (the deep health check needs the node key).
     *
     * @throws ProblemException 401 or 403 as {@link #handle} would
     */
    public void require(Context ctx, Access access) {
        Principal principal = Transport.of(ctx) == Transport.UNIX ? new Principal.LocalSocket() : authenticate(ctx);
        authorize(principal, access, ctx);
        ctx.attribute(PRINCIPAL, principal);
    }

    /** The caller's principal for a bearer credential (the API key or a server token). */
    public Principal authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw unauthorized("this request needs 'Authorization: Bearer <API key or server token>'", null);
        }
        String value = header.strip();
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space);
        if (!scheme.toLowerCase(Locale.ROOT).equals("bearer")) {
            throw unauthorized("only the Bearer scheme is accepted: 'Authorization: Bearer <API key or server token>'", null);
        }
        String credential = space < 0 ? "" : value.substring(space + 1).strip();
        if (credential.isEmpty()) {
            // "Bearer " and nothing after it: a shell variable that was empty, e.g. KEY not set
            throw unauthorized("the bearer token is empty: 'Authorization: Bearer <API key or server token>' needs the key"
                    + " or token after 'Bearer ' (was the variable holding it empty?)", "invalid_token");
        }
        if (apiKey.matches(credential)) {
            return new Principal.NodeKey();
        }
        try {
            return new Principal.ServerToken(tokens.verify(credential));
        } catch (InvalidTokenException e) {
            throw unauthorized(credential.chars().filter(c -> c == '.').count() == 2 ? e.getMessage()
                    : "the credential is neither the node API key nor a server token", "invalid_token");
        }
    }

    private void authorize(Principal principal, Access access, Context ctx) {
        if (!(principal instanceof Principal.ServerToken(TokenClaims claims))) {
            return; // the node key and the Unix socket may do everything
        }
        switch (access) {
            case Access.Public p -> {
            }
            case Access.Node n -> throw forbidden("this route needs the node API key; a server token does not reach it");
            case Access.OnServer(Permission permission) -> require(claims, parseUuid(ctx.pathParam("id")), permission);
            case Access.OnOperation(Permission permission) ->
                    require(claims, operationServer.apply(ctx.pathParam("opId")).orElse(null), permission);
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

    private static ProblemException unauthorized(String detail, String error) {
        Problem p = Problem.of(401, "unauthorized", "Authentication required", detail);
        return new ProblemException(error == null ? p : p.withError(error));
    }

    private static ProblemException forbidden(String detail) {
        return new ProblemException(Problem.of(403, "forbidden", "Forbidden", detail));
    }
}
