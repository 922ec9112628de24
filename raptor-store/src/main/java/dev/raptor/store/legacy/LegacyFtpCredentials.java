package dev.raptor.store.legacy;

import dev.raptor.core.archive.LegacyFtpLogin;
import dev.raptor.core.sftp.NewSftpUser;
import dev.raptor.core.sftp.SftpUser;
import dev.raptor.core.validation.Problems;
import dev.raptor.store.sftp.PasswordHasher;
import dev.raptor.store.sftp.SftpUsers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Turns the earlier Rust daemon's FTP logins (read from its {@code ftp_credentials.json} by raptor-wire's
 * {@code LegacyFtpCredentials}, which documents the file and the mapping) into SFTP/FTP users to write: each entry's
 * server is the first of its candidate servers that exists, its username loses a trailing {@code .<short server id>}
 * of that server and must be one Raptor accepts, its hash must be one Raptor can verify (bcrypt, Argon2id, PBKDF2;
 * kept as it is, re-hashed as Argon2id at the first login), and no server may get the same username twice. Every
 * problem is named by its entry's field; one problem imports none.
 */
public final class LegacyFtpCredentials {
    private LegacyFtpCredentials() {
    }

    /**
     * @param serverExists whether a server exists (on the node, or written earlier by the same import)
     * @throws dev.raptor.core.validation.InvalidSpecException naming every bad entry and field
     */
    public static List<SftpUsers.ImportedUser> resolve(List<LegacyFtpLogin> logins, Predicate<UUID> serverExists) {
        Problems problems = new Problems();
        List<SftpUsers.ImportedUser> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (LegacyFtpLogin e : logins) {
            Optional<UUID> server = e.servers().stream().filter(serverExists).findFirst();
            if (server.isEmpty()) {
                problems.add(e.field(), "no server on this node for container '" + e.containerKey()
                        + "' (import its containers.json first)");
            }
            if (!PasswordHasher.isSupportedHash(e.passwordHash())) {
                problems.add(e.field() + ".password_hash", "is not a bcrypt, Argon2id or PBKDF2 hash Raptor can verify");
            }
            if (server.isEmpty()) {
                continue;
            }
            String username = e.username();
            String suffix = "." + SftpUser.shortId(server.get());
            if (username.endsWith(suffix) && username.length() > suffix.length()) {
                username = username.substring(0, username.length() - suffix.length());
            }
            if (!NewSftpUser.USERNAME.matcher(username).matches()) {
                problems.add(e.field() + ".username", "'" + username + "' is not a username Raptor accepts (1 to 64 letters, "
                        + "digits, '.', '_' or '-', starting with a letter or digit)");
                continue;
            }
            if (!seen.add(server.get() + "/" + username)) {
                problems.add(e.field() + ".username", "the file names user " + username + " of this server twice");
                continue;
            }
            out.add(new SftpUsers.ImportedUser(server.get(), username, e.passwordHash(), e.field(), e.containerKey()));
        }
        problems.throwIfAny();
        return out;
    }
}
