package dev.raptor.api.auth;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * What a verified server token says.
 *
 * @param tokenId     unique id ({@code jti})
 * @param serverId    the one server it is for ({@code sub})
 * @param permissions what it allows on that server
 * @param issuedAt    {@code iat}
 * @param expiresAt   {@code exp}
 */
public record TokenClaims(String tokenId, UUID serverId, Set<Permission> permissions, Instant issuedAt, Instant expiresAt) {
    public TokenClaims {
        permissions = Set.copyOf(permissions);
    }

    public boolean allows(UUID server, Permission permission) {
        return serverId.equals(server) && permissions.contains(permission);
    }
}
