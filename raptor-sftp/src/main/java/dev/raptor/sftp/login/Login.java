package dev.raptor.sftp.login;

import dev.raptor.core.sftp.SftpUser;

import java.time.Instant;
import java.util.UUID;

/**
 * A user who logged in: who, to which server, over what, from where.
 *
 * @param protocol SFTP or FTP
 * @param address  the client's IP address as text
 */
public record Login(SftpUser user, TransferProtocol protocol, String address, Instant at) {
    public UUID serverId() {
        return user.serverId();
    }

    public String loginName() {
        return user.loginName();
    }
}
