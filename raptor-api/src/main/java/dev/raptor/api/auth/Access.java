package dev.raptor.api.auth;

import io.javalin.security.RouteRole;

/**
 * Who may call a route; attached to every route as its Javalin role, and enforced by
 * {@link Authenticator} before the handler runs. A route without one is {@link #NODE}: the strict
 * default, so a route someone forgets to mark is never open.
 */
public sealed interface Access extends RouteRole {

    /** No credentials (health probes). */
    Access PUBLIC = new Public();

    /** The node API key, or the Unix socket. */
    Access NODE = new Node();

    /** The API key, the Unix socket, or a token for the server in the path's {@code {id}} holding {@code permission}. */
    static Access server(Permission permission) {
        return new OnServer(permission);
    }

    /** Like {@link #server} for the server an operation ({@code {opId}}) belongs to. */
    static Access operation(Permission permission) {
        return new OnOperation(permission);
    }

    record Public() implements Access {
    }

    record Node() implements Access {
    }

    record OnServer(Permission permission) implements Access {
    }

    record OnOperation(Permission permission) implements Access {
    }
}
