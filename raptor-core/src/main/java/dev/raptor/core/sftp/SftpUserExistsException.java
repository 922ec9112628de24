package dev.raptor.core.sftp;

import java.util.UUID;

/** A user of that name already exists on the server (usernames are unique per server). */
public final class SftpUserExistsException extends RuntimeException {
    private final UUID serverId;
    private final String username;

    public SftpUserExistsException(UUID serverId, String username) {
        super("server " + serverId + " already has an SFTP user named " + username);
        this.serverId = serverId;
        this.username = username;
    }

    public UUID serverId() {
        return serverId;
    }

    public String username() {
        return username;
    }
}
