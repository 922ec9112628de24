package dev.raptor.sftp.login;

import dev.raptor.core.sftp.SftpUser;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A login name split into its parts: {@code <username>.<short server id>}, the short id being the first
 * {@value SftpUser#SHORT_ID_LENGTH} characters of the server's UUID (the username may hold dots itself; the last
 * one separates).
 */
public record LoginName(String username, String shortId) {
    private static final Pattern SHORT_ID = Pattern.compile("[0-9a-f]{" + SftpUser.SHORT_ID_LENGTH + "}");

    public static Optional<LoginName> parse(String login) {
        if (login == null) {
            return Optional.empty();
        }
        int dot = login.lastIndexOf('.');
        if (dot < 1 || dot == login.length() - 1) {
            return Optional.empty();
        }
        String shortId = login.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
        if (!SHORT_ID.matcher(shortId).matches()) {
            return Optional.empty();
        }
        return Optional.of(new LoginName(login.substring(0, dot), shortId));
    }
}
