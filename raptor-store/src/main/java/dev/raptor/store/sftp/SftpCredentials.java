package dev.raptor.store.sftp;

import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.store.sqlite.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * SFTP logins: a username that opens one server's volume, with a PBKDF2 password hash (see
 * {@link PasswordHasher}). Passwords are taken as {@code char[]} so callers can wipe them; they are
 * never stored or logged. Deleting a server deletes its logins (foreign key cascade).
 *
 * <p>Hashing runs outside every lock and connection: a slow verification never delays the store.
 */
public final class SftpCredentials {
    private static final Logger log = LoggerFactory.getLogger(SftpCredentials.class);

    /** Letters, digits, dot, underscore and dash; 1 to 64 of them. Case-sensitive. */
    public static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    public static final int MAX_PASSWORD_LENGTH = 1024;

    private final Database db;
    private final PasswordHasher hasher;
    private final Clock clock;

    public SftpCredentials(Database db, PasswordHasher hasher, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Creates or replaces the login {@code username}, pointing it at {@code serverId} with a new password.
     *
     * @throws IllegalArgumentException when the username or password is malformed
     * @throws ServerNotFoundException  when there is no such server
     */
    public SftpLogin set(String username, UUID serverId, char[] password) {
        checkUsername(username);
        Objects.requireNonNull(serverId, "serverId");
        if (password == null || password.length == 0 || password.length > MAX_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("an SFTP password must be 1 to " + MAX_PASSWORD_LENGTH + " characters");
        }
        String hash = hasher.hash(password);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        SftpLogin login = db.write("set SFTP login " + username + " for server " + serverId, c -> {
            try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM servers WHERE id = ?")) {
                exists.setString(1, serverId.toString());
                try (ResultSet rs = exists.executeQuery()) {
                    if (!rs.next()) {
                        throw new ServerNotFoundException(serverId);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO sftp_credentials (username, server_id, password_hash, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (username) DO UPDATE SET server_id = excluded.server_id,
                        password_hash = excluded.password_hash, updated_at = excluded.updated_at
                    RETURNING created_at""")) {
                ps.setString(1, username);
                ps.setString(2, serverId.toString());
                ps.setString(3, hash);
                ps.setLong(4, now.toEpochMilli());
                ps.setLong(5, now.toEpochMilli());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new SftpLogin(username, serverId, Instant.ofEpochMilli(rs.getLong(1)), now);
                }
            }
        });
        log.atInfo().addKeyValue("username", username).addKeyValue("server", serverId).log("SFTP login set");
        return login;
    }

    /**
     * Checks a login attempt. Takes about as long whether or not the username exists.
     *
     * @return the server the login opens, or empty when the username or password is wrong
     */
    public Optional<UUID> verify(String username, char[] password) {
        if (password == null || username == null || !USERNAME.matcher(username).matches()
                || password.length > MAX_PASSWORD_LENGTH) {
            hasher.decoy(password == null ? new char[0] : password);
            return Optional.empty();
        }
        record Row(UUID server, String hash) {
        }
        Optional<Row> row = db.read("verify SFTP login " + username, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT server_id, password_hash FROM sftp_credentials WHERE username = ?")) {
                ps.setString(1, username);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Row(UUID.fromString(rs.getString(1)), rs.getString(2))) : Optional.empty();
                }
            }
        });
        if (row.isEmpty()) {
            hasher.decoy(password);
            return Optional.empty();
        }
        return hasher.verify(password, row.get().hash()) ? Optional.of(row.get().server()) : Optional.empty();
    }

    /** Removes the login. Returns whether it existed. */
    public boolean remove(String username) {
        Objects.requireNonNull(username, "username");
        boolean removed = db.write("remove SFTP login " + username, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM sftp_credentials WHERE username = ?")) {
                ps.setString(1, username);
                return ps.executeUpdate() > 0;
            }
        });
        if (removed) {
            log.atInfo().addKeyValue("username", username).log("SFTP login removed");
        }
        return removed;
    }

    /** The logins of one server, by username. */
    public List<SftpLogin> logins(UUID serverId) {
        return db.read("list SFTP logins of server " + serverId, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT username, created_at, updated_at FROM sftp_credentials
                    WHERE server_id = ? ORDER BY username""")) {
                ps.setString(1, serverId.toString());
                List<SftpLogin> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new SftpLogin(rs.getString(1), serverId, Instant.ofEpochMilli(rs.getLong(2)),
                                Instant.ofEpochMilli(rs.getLong(3))));
                    }
                }
                return out;
            }
        });
    }

    private static void checkUsername(String username) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new IllegalArgumentException("an SFTP username is 1 to 64 letters, digits, '.', '_' or '-' (was '"
                    + username + "')");
        }
    }
}
