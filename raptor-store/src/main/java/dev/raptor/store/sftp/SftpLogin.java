package dev.raptor.store.sftp;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An SFTP login as the store lists it (the password hash is never handed out).
 *
 * @param username  what the SFTP client types
 * @param serverId  the server whose volume the login is jailed to
 * @param createdAt when the login was first set
 * @param updatedAt when its password or server last changed
 */
public record SftpLogin(String username, UUID serverId, Instant createdAt, Instant updatedAt) {
    public SftpLogin {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
