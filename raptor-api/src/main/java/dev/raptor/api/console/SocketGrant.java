package dev.raptor.api.console;

import dev.raptor.api.auth.Permission;
import dev.raptor.api.auth.Principal;
import dev.raptor.api.auth.TokenClaims;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * What an authenticated console socket may do, and until when: a server token's permissions and
 * expiry, or everything without expiry for the node API key and the Unix socket.
 *
 * @param expiresAt null when the credential does not expire
 */
record SocketGrant(String who, Set<Permission> permissions, Instant expiresAt) {

    SocketGrant {
        permissions = permissions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(permissions));
    }

    static SocketGrant everything(String who) {
        return new SocketGrant(who, EnumSet.allOf(Permission.class), null);
    }

    static SocketGrant of(TokenClaims claims) {
        return new SocketGrant("token " + claims.tokenId(), claims.permissions(), claims.expiresAt());
    }

    static SocketGrant of(Principal principal) {
        return switch (principal) {
            case Principal.LocalSocket l -> everything("unix socket");
            case Principal.NodeKey k -> everything("node API key");
            case Principal.ServerToken(TokenClaims claims) -> of(claims);
        };
    }

    boolean allows(Permission p) {
        return permissions.contains(p);
    }
}
