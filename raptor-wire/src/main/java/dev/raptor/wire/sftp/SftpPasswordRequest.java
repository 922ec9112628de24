package dev.raptor.wire.sftp;

import java.util.Set;

/** {@code PUT /servers/{id}/sftp-users/{username}/password}: a new password (8 to 1024 characters). */
public record SftpPasswordRequest(String password) {
    public static final Set<String> FIELDS = Set.of("password");

    @Override
    public String toString() {
        return "SftpPasswordRequest[***]";
    }
}
