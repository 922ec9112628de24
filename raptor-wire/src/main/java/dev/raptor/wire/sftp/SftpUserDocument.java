package dev.raptor.wire.sftp;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An SFTP/FTP user as the API shows it (never with its password or hash).
 *
 * @param login       what the client types: {@code <username>.<short server id>}
 * @param hasPassword whether a password is set (otherwise only its keys log in)
 * @param expiresAt   null when it never expires
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SftpUserDocument(String username, String login, UUID serverId, boolean hasPassword,
                               List<String> publicKeys, List<String> permissions, Instant expiresAt,
                               Instant createdAt, Instant updatedAt) {
}
