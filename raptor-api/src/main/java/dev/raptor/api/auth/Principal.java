package dev.raptor.api.auth;

/** Who is calling, once the credentials checked out. */
public sealed interface Principal {

    /** Who it is, in the words the activity log uses: {@code unix socket}, {@code node API key}, {@code token <id>}. */
    default String who() {
        return switch (this) {
            case LocalSocket l -> "unix socket";
            case NodeKey k -> "node API key";
            case ServerToken(TokenClaims claims) -> "token " + claims.tokenId();
        };
    }

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
