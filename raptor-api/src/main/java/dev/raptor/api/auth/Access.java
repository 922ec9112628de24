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

    /**
     * Like {@link #server} for the server an operation ({@code {opId}}) belongs to, with the permission its kind
     * needs: {@code power} operations one, file operations another.
     */
    static Access operation(Permission forPower, Permission forFiles) {
        return new OnOperation(forPower, forFiles);
    }

    /**
     * No bearer credential: the request carries a signed one-shot link ({@link SignedLinks}), which the handler
     * redeems. Over the Unix socket too, the link is what counts.
     */
    Access SIGNED_LINK = new SignedLink();

    record Public() implements Access {
    }

    record Node() implements Access {
    }

    record OnServer(Permission permission) implements Access {
    }

    record OnOperation(Permission forPower, Permission forFiles) implements Access {
    }

    record SignedLink() implements Access {
    }
}
