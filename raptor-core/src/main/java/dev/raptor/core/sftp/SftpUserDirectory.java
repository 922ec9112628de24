package dev.raptor.core.sftp;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The port to the node's SFTP/FTP users: the API manages them through it, the store keeps them (with their
 * password hashes, which never cross this interface), the SFTP and FTP servers log them in.
 */
public interface SftpUserDirectory {
    /**
     * Creates a user on a server; its password (if any) is hashed and the array wiped.
     *
     * @throws dev.raptor.core.validation.InvalidSpecException naming every bad field
     * @throws dev.raptor.core.server.ServerNotFoundException  when there is no such server
     * @throws SftpUserExistsException                         when the server has a user of that name
     */
    SftpUser create(UUID serverId, NewSftpUser user);

    /** The server's users, by username. */
    List<SftpUser> list(UUID serverId);

    Optional<SftpUser> find(UUID serverId, String username);

    /**
     * Gives a user a new password (the array is wiped).
     *
     * @throws dev.raptor.core.validation.InvalidSpecException when it is too short or too long
     * @throws SftpUserNotFoundException                       when there is no such user
     */
    SftpUser setPassword(UUID serverId, String username, char[] password);

    /** Deletes a user (its open sessions end); whether it existed. */
    boolean remove(UUID serverId, String username);
}
