package dev.raptor.core.archive;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One entry of the earlier daemon's {@code ftp_credentials.json}, read but not yet resolved: which container it was
 * for, the username and the password hash as that daemon stored them. The store decides which server it becomes (the
 * first of {@code servers} that exists once the import's own servers are written), checks the username and the hash,
 * and writes it as an SFTP/FTP user; a problem is reported under {@code field}.
 *
 * @param field        where the entry is in the document ({@code credentials.<container id>} or {@code credentials[2]})
 * @param containerKey the container id the entry is keyed by
 * @param servers      the servers that container may have become, in order of preference (the id itself when it is
 *                     a UUID, then the id a legacy {@code containers.json} import derives from the container's name)
 * @param username     the username as written (may end in {@code .<short server id>})
 * @param passwordHash the earlier daemon's hash (bcrypt in practice); never logged
 */
public record LegacyFtpLogin(String field, String containerKey, List<UUID> servers, String username, String passwordHash) {
    public LegacyFtpLogin {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(containerKey, "containerKey");
        servers = List.copyOf(servers);
    }

    @Override
    public String toString() {
        return "LegacyFtpLogin[" + field + ", container=" + containerKey + ", username=" + username + ", passwordHash=***]";
    }
}
