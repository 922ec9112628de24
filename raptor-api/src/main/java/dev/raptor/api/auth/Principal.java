package dev.raptor.api.auth;

/** Who is calling, once the credentials checked out. */
public sealed interface Principal {

    /** A request over the Unix socket: whoever can open it (mode 0660) is trusted like root. */
    record LocalSocket() implements Principal {
    }

    /** A request with the node API key: the panel. */
    record NodeKey() implements Principal {
    }

    /** A request with a server token: a browser acting on one server. */
    record ServerToken(TokenClaims claims) implements Principal {
    }
}
