package dev.raptor.core.sftp;

import java.util.UUID;

/** No user of that name on the server. */
public final class SftpUserNotFoundException extends RuntimeException {
    private final UUID serverId;
    private final String username;

    public SftpUserNotFoundException(UUID serverId, String username) {
        super("server " + serverId + " has no SFTP user named " + username);
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
