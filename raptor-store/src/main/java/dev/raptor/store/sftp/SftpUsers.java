package dev.raptor.store.sftp;

import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.sftp.NewSftpUser;
import dev.raptor.core.sftp.SftpPermission;
import dev.raptor.core.sftp.SftpUser;
import dev.raptor.core.sftp.SftpUserDirectory;
import dev.raptor.core.sftp.SftpUserExistsException;
import dev.raptor.core.sftp.SftpUserNotFoundException;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.core.validation.Problems;
import dev.raptor.store.row.RowJson;
import dev.raptor.store.sqlite.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * SFTP/FTP users, per server ({@code sftp_users}, schema 6): who may reach a server's files over SFTP and FTP,
 * with a password (an Argon2id hash, see {@link PasswordHasher}), OpenSSH public keys, permissions and an expiry.
 * Passwords are taken as {@code char[]} and wiped once hashed; they are never stored, logged or handed out.
 *
 * <p>Reads ({@link #find}, {@link #list}, and the lookup of a login) answer from an in-memory copy of the table as
 * last committed, refreshed after each commit that touched it, so a login never waits for a write and a deleted
 * user is gone for every reader the moment its delete returns. {@link #onChange} listeners hear of every such
 * commit (the SFTP server ends the sessions of users who no longer exist). Hashing runs outside every lock and
 * connection. Deleting a server deletes its users. Thread-safe.
 */
public final class SftpUsers implements SftpUserDirectory {
    private static final Logger log = LoggerFactory.getLogger(SftpUsers.class);
    static final String TABLE = "sftp_users";
    private static final String COLUMNS =
            "server_id, username, password_hash, public_keys, permissions, expires_at, created_at, updated_at";

    private final Database db;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** server -> username -> row, as last committed; replaced whole, never changed. */
    private volatile Map<UUID, Map<String, Row>> view;

    /** A user and its hash (kept in memory so a login needs no database read; the hash never leaves this class). */
    private record Row(SftpUser user, String hash) {
    }

    public SftpUsers(Database db, PasswordHasher hasher, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.clock = Objects.requireNonNull(clock, "clock");
        db.watch(TABLE, (writer, rowids) -> {
            view = readAll(writer);
            for (Runnable l : listeners) {
                try {
                    l.run();
                } catch (RuntimeException e) {
                    log.atWarn().addKeyValue("error", e.toString()).log("an SFTP users listener failed");
                }
            }
        });
        view = db.write("load SFTP users", SftpUsers::readAll);
    }

    // ------------------------------------------------------------------ reading

    @Override
    public Optional<SftpUser> find(UUID serverId, String username) {
        Row r = row(serverId, username);
        return r == null ? Optional.empty() : Optional.of(r.user());
    }

    /** The users of one server, by username. */
    @Override
    public List<SftpUser> list(UUID serverId) {
        Map<String, Row> users = view.get(serverId);
        if (users == null) {
            return List.of();
        }
        return users.values().stream().map(Row::user).sorted(Comparator.comparing(SftpUser::username)).toList();
    }

    /** Every user of every server (for the SFTP server's session checks). */
    public List<SftpUser> all() {
        List<SftpUser> out = new ArrayList<>();
        view.values().forEach(m -> m.values().forEach(r -> out.add(r.user())));
        return out;
    }

    /**
     * Checks a password login. Takes about as long whether or not the user exists. A hash in an older form (PBKDF2
     * of schema 2, an imported bcrypt) or with older parameters is replaced by a current Argon2id hash once the
     * password matched.
     */
    public LoginCheck checkPassword(UUID serverId, String username, char[] password) {
        Row r = row(serverId, username);
        if (r == null || password == null || password.length > NewSftpUser.MAX_PASSWORD_LENGTH) {
            hasher.decoy(password);
            return new LoginCheck.Refused(r == null ? LoginCheck.Reason.UNKNOWN_USER : LoginCheck.Reason.WRONG_PASSWORD);
        }
        if (r.hash() == null) {
            hasher.decoy(password);
            return new LoginCheck.Refused(LoginCheck.Reason.NO_PASSWORD);
        }
        if (!hasher.verify(password, r.hash())) {
            return new LoginCheck.Refused(LoginCheck.Reason.WRONG_PASSWORD);
        }
        if (r.user().isExpired(clock.instant())) {
            return new LoginCheck.Refused(LoginCheck.Reason.EXPIRED);
        }
        if (hasher.needsRehash(r.hash())) {
            upgrade(r, password);
        }
        return new LoginCheck.Accepted(r.user());
    }

    private void upgrade(Row r, char[] password) {
        String fresh = hasher.hash(password);
        SftpUser u = r.user();
        boolean done = db.write("upgrade the password hash of SFTP user " + u.username(), c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE sftp_users SET password_hash = ? WHERE server_id = ? AND username = ? AND password_hash = ?")) {
                ps.setString(1, fresh);
                ps.setString(2, u.serverId().toString());
                ps.setString(3, u.username());
                ps.setString(4, r.hash());
                return ps.executeUpdate() > 0;
            }
        });
        if (done) {
            log.atInfo().addKeyValue("server", u.serverId()).addKeyValue("username", u.username())
                    .log("SFTP password hash upgraded to Argon2id at login");
        }
    }

    private Row row(UUID serverId, String username) {
        if (serverId == null || username == null) {
            return null;
        }
        Map<String, Row> users = view.get(serverId);
        return users == null ? null : users.get(username);
    }

    /** Calls {@code listener} after every commit that changed the users (under the store's write lock: keep it short). */
    public void onChange(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    // ------------------------------------------------------------------ changing

    /**
     * Creates a user on a server. The password (if any) is hashed before the store is touched and then wiped.
     *
     * @throws InvalidSpecException     naming every bad field
     * @throws ServerNotFoundException  when there is no such server
     * @throws SftpUserExistsException  when the server has a user of that name
     */
    @Override
    public SftpUser create(UUID serverId, NewSftpUser spec) {
        Objects.requireNonNull(serverId, "serverId");
        try {
            spec.validate();
            String hash = spec.password() == null ? null : hasher.hash(spec.password());
            Instant now = now();
            SftpUser user = new SftpUser(serverId, spec.username(), hash != null, spec.publicKeys(), spec.permissions(),
                    spec.expiresAt() == null ? null : spec.expiresAt().truncatedTo(ChronoUnit.MILLIS), now, now);
            db.write("create SFTP user " + spec.username() + " on server " + serverId, c -> {
                requireServer(c, serverId);
                if (exists(c, serverId, spec.username())) {
                    throw new SftpUserExistsException(serverId, spec.username());
                }
                insert(c, user, hash);
                return null;
            });
            log.atInfo().addKeyValue("server", serverId).addKeyValue("username", user.username())
                    .addKeyValue("keys", user.publicKeys().size()).addKeyValue("password", user.hasPassword())
                    .addKeyValue("permissions", user.permissions()).log("SFTP user created");
            return user;
        } finally {
            if (spec.password() != null) {
                Arrays.fill(spec.password(), '\0');
            }
        }
    }

    /**
     * Gives a user a new password (a rotation by the user or the panel). The password is wiped once hashed.
     *
     * @throws InvalidSpecException       when the password is too short or too long
     * @throws SftpUserNotFoundException  when the server has no such user
     */
    @Override
    public SftpUser setPassword(UUID serverId, String username, char[] password) {
        try {
            Problems p = new Problems();
            p.check(password != null, "password", "is required");
            NewSftpUser.checkPassword(p, password);
            p.throwIfAny();
            String hash = hasher.hash(password);
            Instant now = now();
            db.write("set the password of SFTP user " + username + " on server " + serverId, c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE sftp_users SET password_hash = ?, updated_at = ? WHERE server_id = ? AND username = ?")) {
                    ps.setString(1, hash);
                    ps.setLong(2, now.toEpochMilli());
                    ps.setString(3, serverId.toString());
                    ps.setString(4, username);
                    if (ps.executeUpdate() == 0) {
                        throw new SftpUserNotFoundException(serverId, username);
                    }
                }
                return null;
            });
            log.atInfo().addKeyValue("server", serverId).addKeyValue("username", username).log("SFTP password changed");
            return find(serverId, username).orElseThrow(() -> new SftpUserNotFoundException(serverId, username));
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    /** Deletes a user; its open sessions end (listeners hear of it). Returns whether it existed. */
    @Override
    public boolean remove(UUID serverId, String username) {
        boolean removed = db.write("remove SFTP user " + username + " of server " + serverId, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM sftp_users WHERE server_id = ? AND username = ?")) {
                ps.setString(1, serverId.toString());
                ps.setString(2, username);
                return ps.executeUpdate() > 0;
            }
        });
        if (removed) {
            log.atInfo().addKeyValue("server", serverId).addKeyValue("username", username).log("SFTP user removed");
        }
        return removed;
    }

    /**
     * Creates users with hashes made elsewhere (an import) on the caller's write transaction: all of them, or, when
     * one cannot be written, none (the caller's transaction rolls back). Each gets an {@code sftp.user-imported}
     * activity entry. The in-memory view and the listeners learn of them once the caller commits.
     *
     * @param source what they came from, for the activity entries ({@code the legacy ftp_credentials.json})
     * @throws InvalidSpecException naming, by {@code field}, an entry whose server is gone or whose user exists
     */
    public List<SftpUser> importAll(Connection c, List<ImportedUser> users, String source) throws SQLException {
        Instant now = now();
        List<SftpUser> created = users.stream().map(u -> new SftpUser(u.serverId(), u.username(), true, List.of(),
                EnumSet.allOf(SftpPermission.class), null, now, now)).toList();
        Problems p = new Problems();
        for (ImportedUser u : users) {
            if (!serverExists(c, u.serverId())) {
                p.add(u.field(), "server " + u.serverId() + " does not exist");
            } else if (exists(c, u.serverId(), u.username())) {
                p.add(u.field(), "server " + u.serverId() + " already has a user named " + u.username());
            }
        }
        p.throwIfAny();
        for (int i = 0; i < users.size(); i++) {
            insert(c, created.get(i), users.get(i).hash());
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO activity (server, at, type, message, details) VALUES (?, ?, 'sftp.user-imported', ?, ?)")) {
                ps.setString(1, users.get(i).serverId().toString());
                ps.setLong(2, now.toEpochMilli());
                ps.setString(3, "SFTP user " + users.get(i).username() + " imported from " + source);
                ps.setString(4, RowJson.write(Map.of("username", users.get(i).username(),
                        "legacyKey", users.get(i).legacyKey())));
                ps.executeUpdate();
            }
        }
        return created;
    }

    /**
     * A user to import with its hash as the earlier daemon stored it.
     *
     * @param field     where the entry is in the imported document, for problems ({@code credentials.<key>})
     * @param legacyKey the entry's key there (the earlier daemon's container id)
     */
    public record ImportedUser(UUID serverId, String username, String hash, String field, String legacyKey) {
        @Override
        public String toString() {
            return "ImportedUser[" + field + ", server=" + serverId + ", username=" + username + ", hash=***]";
        }
    }

    // ------------------------------------------------------------------ rows

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static void requireServer(Connection c, UUID serverId) throws SQLException {
        if (!serverExists(c, serverId)) {
            throw new ServerNotFoundException(serverId);
        }
    }

    private static boolean serverExists(Connection c, UUID serverId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM servers WHERE id = ?")) {
            ps.setString(1, serverId.toString());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean exists(Connection c, UUID serverId, String username) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM sftp_users WHERE server_id = ? AND username = ?")) {
            ps.setString(1, serverId.toString());
            ps.setString(2, username);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void insert(Connection c, SftpUser u, String hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sftp_users (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, u.serverId().toString());
            ps.setString(2, u.username());
            ps.setString(3, hash);
            ps.setString(4, RowJson.write(u.publicKeys()));
            ps.setString(5, String.join(",", u.permissions().stream().sorted().map(SftpPermission::wireName).toList()));
            if (u.expiresAt() == null) {
                ps.setNull(6, Types.INTEGER);
            } else {
                ps.setLong(6, u.expiresAt().toEpochMilli());
            }
            ps.setLong(7, u.createdAt().toEpochMilli());
            ps.setLong(8, u.updatedAt().toEpochMilli());
            ps.executeUpdate();
        }
    }

    private static Map<UUID, Map<String, Row>> readAll(Connection c) throws SQLException {
        Map<UUID, Map<String, Row>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM sftp_users");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                UUID server = UUID.fromString(rs.getString(1));
                String hash = rs.getString(3);
                List<String> keys = List.of(RowJson.read(rs.getString(4), String[].class));
                Set<SftpPermission> perms = EnumSet.noneOf(SftpPermission.class);
                for (String p : rs.getString(5).split(",")) {
                    if (!p.isBlank()) {
                        perms.add(SftpPermission.of(p));
                    }
                }
                long expires = rs.getLong(6);
                Instant expiresAt = rs.wasNull() ? null : Instant.ofEpochMilli(expires);
                SftpUser user = new SftpUser(server, rs.getString(2), hash != null, keys, perms, expiresAt,
                        Instant.ofEpochMilli(rs.getLong(7)), Instant.ofEpochMilli(rs.getLong(8)));
                out.computeIfAbsent(server, s -> new HashMap<>()).put(user.username(), new Row(user, hash));
            }
        }
        out.replaceAll((s, m) -> Map.copyOf(m));
        return Map.copyOf(out);
    }
}
