package dev.raptor.core.sftp;

import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.core.validation.Problems;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A user to create: a username, a password or public keys (or both), permissions (all when none are given) and
 * an optional expiry. {@link #validate()} names every bad field as the API spells it.
 *
 * @param password   null for a key-only user; wiped by {@link SftpUsers#create} once hashed
 * @param publicKeys OpenSSH {@code authorized_keys} lines, without options
 */
public record NewSftpUser(String username, char[] password, List<String> publicKeys, Set<SftpPermission> permissions,
                          Instant expiresAt) {
    /** Letters, digits, dot, underscore and dash, 1 to 64, starting with a letter or digit. Case-sensitive. */
    public static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    public static final int MIN_PASSWORD_LENGTH = 8;
    public static final int MAX_PASSWORD_LENGTH = 1024;
    public static final int MAX_PUBLIC_KEYS = 32;

    public NewSftpUser {
        publicKeys = publicKeys == null ? List.of() : publicKeys.stream().map(k -> k == null ? null : k.strip()).toList();
        permissions = permissions == null || permissions.isEmpty() ? EnumSet.allOf(SftpPermission.class) : EnumSet.copyOf(permissions);
    }

    /** @throws InvalidSpecException naming every bad field */
    public void validate() {
        Problems p = new Problems();
        p.check(username != null && USERNAME.matcher(username).matches(), "username",
                "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (was '" + username + "')");
        checkPassword(p, password);
        p.check(password != null || !publicKeys.isEmpty(), "password", "a user needs a password or at least one public key");
        p.check(publicKeys.size() <= MAX_PUBLIC_KEYS, "publicKeys", "at most " + MAX_PUBLIC_KEYS + " keys");
        for (int i = 0; i < publicKeys.size(); i++) {
            String problem = PublicKeyLine.problem(publicKeys.get(i));
            if (problem != null) {
                p.add("publicKeys[" + i + "]", problem);
            }
        }
        p.throwIfAny();
    }

    /** Adds a problem for a password of the wrong length (null is fine: no password). */
    public static void checkPassword(Problems p, char[] password) {
        if (password != null) {
            p.check(password.length >= MIN_PASSWORD_LENGTH && password.length <= MAX_PASSWORD_LENGTH, "password",
                    "must be " + MIN_PASSWORD_LENGTH + " to " + MAX_PASSWORD_LENGTH + " characters");
        }
    }

    @Override
    public String toString() {
        return "NewSftpUser[username=" + username + ", password=" + (password == null ? "none" : "***") + ", keys="
                + publicKeys.size() + ", permissions=" + permissions + ", expiresAt=" + expiresAt + "]";
    }
}
