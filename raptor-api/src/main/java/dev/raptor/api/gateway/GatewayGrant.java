package dev.raptor.api.gateway;

import dev.raptor.api.auth.Permission;
import dev.raptor.api.auth.TokenClaims;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * What a gateway connection may do: everything on every server (the node API key, the Unix socket), or
 * a server token's permissions on its one server until it expires. The same model as the REST routes.
 *
 * @param server    the one server a token is for; null for the node key
 * @param expiresAt null when the credential does not expire
 */
record GatewayGrant(String who, UUID server, Set<Permission> permissions, Instant expiresAt) {

    static GatewayGrant node(String who) {
        return new GatewayGrant(who, null, EnumSet.allOf(Permission.class), null);
    }

    static GatewayGrant of(TokenClaims claims) {
        return new GatewayGrant("token " + claims.tokenId(), claims.serverId(), claims.permissions(), claims.expiresAt());
    }

    boolean isNode() {
        return server == null;
    }

    boolean expired() {
        return expiresAt != null && !Instant.now().isBefore(expiresAt);
    }

    /** Whether it may see the server at all (its events, its place in {@code list_containers}). */
    boolean sees(UUID id) {
        return (server == null || server.equals(id)) && permissions.contains(Permission.CONSOLE_READ) && !expired();
    }

    /**
     * @throws Denied when it may not use {@code permission} on {@code id}
     */
    void require(UUID id, Permission permission, String event) {
        if (expired()) {
            throw new Denied("the token expired; connect again with a new one");
        }
        if (server != null && !server.equals(id)) {
            throw new Denied("the token is for server " + server + ", not " + id);
        }
        if (!permissions.contains(permission)) {
            throw new Denied("'" + event + "' needs the '" + permission.wireName() + "' permission, which this connection's token lacks");
        }
    }

    /** @throws Denied unless it is the node key (creating, changing and deleting servers, as on REST) */
    void requireNode(String event) {
        if (server != null) {
            throw new Denied("'" + event + "' needs the node API key; a server token does not reach it");
        }
    }

    /** The event is not allowed to this connection. */
    static final class Denied extends RuntimeException {
        Denied(String message) {
            super(message, null, false, false);
        }
    }
}
