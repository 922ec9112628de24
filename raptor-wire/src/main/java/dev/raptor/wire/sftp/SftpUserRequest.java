package dev.raptor.wire.sftp;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /servers/{id}/sftp-users}: a user who may reach the server's files over SFTP and FTP. It logs in as
 * {@code <username>.<first 8 characters of the server id>}, with its password or one of its keys.
 *
 * @param username    letters, digits, {@code . _ -}; 1 to 64, unique on the server
 * @param password    8 to 1024 characters; stored as an Argon2id hash, never returned; optional when keys are given
 * @param publicKeys  OpenSSH {@code authorized_keys} lines ({@code ssh-ed25519 AAAA... comment}), without options
 * @param permissions some of {@code read}, {@code write}, {@code delete}; all when absent
 * @param expiresAt   when the user stops being able to log in; never when absent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SftpUserRequest(String username, String password, List<String> publicKeys, List<String> permissions,
                              Instant expiresAt) {
    /** The members a request may have; any other is an error. */
    public static final Set<String> FIELDS = Set.of("username", "password", "publicKeys", "permissions", "expiresAt");

    @Override
    public String toString() {
        return "SftpUserRequest[username=" + username + ", password=" + (password == null ? "none" : "***") + "]";
    }
}
