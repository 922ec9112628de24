package dev.raptor.core.sftp;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * An SFTP/FTP user of one server as the store hands it out (never with its password or hash).
 *
 * @param serverId    the server whose files the user reaches (and nothing else)
 * @param username    unique per server; the login name adds the server's short id ({@link #loginName()})
 * @param hasPassword whether a password is set (otherwise only its public keys log in)
 * @param publicKeys  OpenSSH {@code authorized_keys} lines ({@code ssh-ed25519 AAAA... comment})
 * @param permissions what the user may do; never empty
 * @param expiresAt   when the user stops being able to log in, or null for never
 */
public record SftpUser(UUID serverId, String username, boolean hasPassword, List<String> publicKeys,
                       Set<SftpPermission> permissions, Instant expiresAt, Instant createdAt, Instant updatedAt) {
    /** How many characters of the server id a login name carries (Wings' convention panels and users know). */
    public static final int SHORT_ID_LENGTH = 8;

    public SftpUser {
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(username, "username");
        publicKeys = List.copyOf(publicKeys);
        permissions = permissions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(permissions));
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** What the client types: {@code <username>.<first 8 characters of the server id>}. */
    public String loginName() {
        return loginName(username, serverId);
    }

    public static String loginName(String username, UUID serverId) {
        return username + "." + shortId(serverId);
    }

    public static String shortId(UUID serverId) {
        return serverId.toString().substring(0, SHORT_ID_LENGTH);
    }

    public boolean may(SftpPermission p) {
        return permissions.contains(p);
    }

    public boolean isExpired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
