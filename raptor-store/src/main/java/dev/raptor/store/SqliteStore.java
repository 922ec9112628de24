package dev.raptor.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.raptor.core.archive.ExportedState;
import dev.raptor.core.archive.ImportConflictException;
import dev.raptor.core.archive.ImportFormat;
import dev.raptor.core.archive.ImportMode;
import dev.raptor.core.archive.ImportPlan;
import dev.raptor.core.archive.ImportReport;
import dev.raptor.core.archive.StateArchive;
import dev.raptor.core.node.PendingRemoval;
import dev.raptor.core.operation.Durability;
import dev.raptor.core.operation.FinishedOperation;
import dev.raptor.core.operation.PendingOperation;
import dev.raptor.core.server.ActivityEntry;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.DuplicateServerException;
import dev.raptor.core.server.NameTakenException;
import dev.raptor.core.server.ServerNames;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerStore;
import dev.raptor.core.server.StaleVersionException;
import dev.raptor.core.server.StoredServer;
import dev.raptor.store.operation.OperationRecords;
import dev.raptor.store.row.RowJson;
import dev.raptor.store.sftp.PasswordHasher;
import dev.raptor.store.sftp.SftpUsers;
import dev.raptor.store.snapshot.RestoreResult;
import dev.raptor.store.snapshot.Snapshots;
import dev.raptor.store.template.Templates;
import dev.raptor.store.install.Installs;
import dev.raptor.store.sqlite.Database;
import dev.raptor.store.sqlite.IntegrityCheck;
import dev.raptor.store.sqlite.SqlWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The {@link ServerStore} on SQLite: {@value Database#FILE_NAME} in the data directory, WAL journal,
 * {@code synchronous=FULL}. Every write method returns only after its transaction is committed and
 * synced, so an acknowledged write survives a crash or power loss at any later moment.
 *
 * <p>Concurrency: writes go through one connection behind a {@link java.util.concurrent.locks.ReentrantLock}
 * (held only for the transaction); reads use a small pool of read-only connections and never wait for
 * a write. {@link #find} and {@link #list} don't touch the database at all: they answer from a
 * {@link ServerView}, the servers table as last committed, kept in memory and refreshed after each
 * commit. Safe to call from any number of (virtual) threads.
 *
 * <p>Opening checks the file ({@code quick_check}; a damaged file is a {@link StoreCorruptedException}
 * with a one-line message), refuses a schema newer than this build ({@link SchemaTooNewException}),
 * migrates an older one, and locks the data directory so no second store (or restore) can use it.
 *
 * <p>Beyond {@code ServerStore}: the {@link StateArchive} ({@link #export()}, {@link #importPlan}),
 * {@link #sftpUsers()}, {@link #snapshots()} (restore with the store closed:
 * {@link #restore(Path, Path)}) and the {@link #operationRecords() operations}. What it keeps as JSON it
 * keeps in its own form ({@link dev.raptor.store.row}), never in the API's documents.
 */
public final class SqliteStore implements ServerStore, StateArchive, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SqliteStore.class);

    /** The database's file name inside the data directory. */
    public static final String DATABASE_FILE = Database.FILE_NAME;

    private final Path dataDir;
    private final DataDirectoryLock lock;
    private final Database db;
    private final Clock clock;
    private final SftpUsers sftp;
    private final Templates templates;
    private final Installs installs;
    private final Snapshots snapshots;
    private final ServerView servers;

    private SqliteStore(Path dataDir, DataDirectoryLock lock, Database db, StoreOptions options) {
        this.dataDir = dataDir;
        this.lock = lock;
        this.db = db;
        this.servers = ServerView.open(db);
        this.clock = options.clock();
        this.sftp = new SftpUsers(db, new PasswordHasher(options.passwordCost()), clock);
        this.snapshots = new Snapshots(db, dataDir, options.snapshotRetention(), clock);
        this.templates = new Templates(db);
        this.installs = new Installs(db);
    }

    /** Opens the store in {@code dataDir} (created if needed) with {@link StoreOptions#defaults()}. */
    public static SqliteStore open(Path dataDir) {
        return open(dataDir, StoreOptions.defaults());
    }

    /**
     * Opens the store in {@code dataDir}, creating the directory and the database if needed.
     *
     * @throws StoreLockedException    when another open store holds the directory
     * @throws StoreCorruptedException when {@value Database#FILE_NAME} is damaged or not a database
     * @throws SchemaTooNewException   when a newer Raptor wrote it
     */
    public static SqliteStore open(Path dataDir, StoreOptions options) {
        Objects.requireNonNull(options, "options");
        Path dir = dataDir.toAbsolutePath().normalize();
        DataDirectoryLock lock = DataDirectoryLock.acquire(dir);
        try {
            Database db = Database.open(dir.resolve(DATABASE_FILE), options.busyTimeout(), options.readConnections());
            try {
                return new SqliteStore(dir, lock, db, options);
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Replaces the closed store's database in {@code dataDir} with {@code snapshot}, keeping the
     * replaced file aside. See {@link Snapshots#restore(Path, Path)}.
     */
    public static RestoreResult restore(Path dataDir, Path snapshot) {
        return Snapshots.restore(dataDir.toAbsolutePath().normalize(), snapshot);
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path databaseFile() {
        return db.file();
    }

    /** How many of its writes paid a sync of their own since it was opened ({@link Database#syncedCommits}). */
    public long syncedCommits() {
        return db.syncedCommits();
    }

    /** How many of its writes committed since it was opened, synced or not ({@link Database#commits}). */
    public long commits() {
        return db.commits();
    }

    // ------------------------------------------------------------------------------------ ServerStore

    @Override
    public StoredServer create(ServerSpec spec) {
        Objects.requireNonNull(spec, "spec");
        StoredServer created = db.write("create server " + spec.id(), c -> insertServer(c, spec));
        log.atDebug().addKeyValue("server", spec.id()).log("server created");
        return created;
    }

    /** {@inheritDoc} One transaction, so one synced commit. */
    @Override
    public Created create(ServerSpec spec, String type, String message, Map<String, String> details) {
        Objects.requireNonNull(spec, "spec");
        SqlWork<ActivityEntry> entry = activityInsert(spec.id(), type, message, details);
        Created created = db.write("create server " + spec.id(), c -> {
            StoredServer s = insertServer(c, spec);
            return new Created(s, entry.apply(c));
        });
        log.atDebug().addKeyValue("server", spec.id()).log("server created");
        return created;
    }

    private StoredServer insertServer(Connection c, ServerSpec spec) throws SQLException {
        if (ServerRows.version(c, spec.id()).isPresent()) {
            throw new DuplicateServerException(spec.id());
        }
        ServerNames.check(spec.id(), spec.name(), null, ServerRows.names(c));
        Instant now = now();
        StoredServer s = new StoredServer(spec, 1, DesiredState.STOPPED, now, now);
        servers.wrote(ServerRows.insert(c, s), spec);
        return s;
    }

    /** {@inheritDoc} From memory (the last commit); never waits for a write. */
    @Override
    public Optional<StoredServer> find(UUID id) {
        Objects.requireNonNull(id, "id");
        return servers.find(id);
    }

    /** {@inheritDoc} From memory (the last commit); never waits for a write. */
    @Override
    public List<StoredServer> list() {
        return servers.list();
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when {@code spec}'s id is not {@code id}
     */
    @Override
    public StoredServer update(UUID id, long expectedVersion, ServerSpec spec) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(spec, "spec");
        if (!spec.id().equals(id)) {
            throw new IllegalArgumentException("update of server " + id + " carries a spec with id " + spec.id());
        }
        return db.write("update server " + id, c -> {
            StoredServer current = servers.committed(c, id).orElseThrow(() -> new ServerNotFoundException(id));
            if (current.version() != expectedVersion) {
                throw new StaleVersionException(id, expectedVersion, current.version());
            }
            ServerNames.check(id, spec.name(), current.spec().name(), ServerRows.names(c));
            StoredServer updated = new StoredServer(spec, current.version() + 1, current.desired(), current.createdAt(), now());
            servers.wrote(ServerRows.replace(c, updated), spec);
            return updated;
        });
    }

    /**
     * {@inheritDoc} A desired state the server already has is not written again: the last commit holds it, and
     * every commit of the servers table is synced, so it is on disk (a delete of a stopped server, a stop of a
     * stopped one, pays no sync for its intent).
     */
    @Override
    public StoredServer setDesiredState(UUID id, DesiredState desired) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(desired, "desired");
        Optional<StoredServer> committed = servers.find(id);
        if (committed.isPresent() && committed.get().desired() == desired) {
            return committed.get();
        }
        return db.write("set desired state of server " + id, c -> writeDesired(c, id, desired));
    }

    /**
     * {@inheritDoc} One synced commit holds the operation's pending row and the desired state. When the server already
     * has that desired state, the row alone is committed without a sync of its own ({@link Database#commitUnsynced}):
     * the action's next synced commit (a delete's removal) puts it on disk, and {@code begun} syncs it before an answer
     * names the operation if none has. A server that does not exist gets neither.
     */
    @Override
    public StoredServer setDesiredState(UUID id, DesiredState desired, PendingOperation begun) {
        if (begun == null) {
            return setDesiredState(id, desired);
        }
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(desired, "desired");
        String operation = "set desired state of server " + id + " for operation " + begun.record().id();
        if (servers.find(id).map(StoredServer::desired).orElse(null) == desired) {
            try {
                Database.Committed<StoredServer> alone = db.commitUnsynced(operation, c -> {
                    StoredServer current = servers.committed(c, id).orElseThrow(() -> new ServerNotFoundException(id));
                    if (current.desired() != desired) {
                        throw new DesiredStateMoved(); // changed since it was read: the intent is a write to sync
                    }
                    OperationRecords.begin(c, begun.record());
                    return current;
                });
                begun.committed(db.durability(alone.number()));
                return alone.value();
            } catch (DesiredStateMoved moved) {
                // rolled back: written and synced below
            }
        }
        StoredServer written = db.write(operation, c -> {
            StoredServer current = servers.committed(c, id).orElseThrow(() -> new ServerNotFoundException(id));
            OperationRecords.begin(c, begun.record());
            return current.desired() == desired ? current : writeDesired(c, id, desired);
        });
        begun.committed(Durability.ON_DISK);
        return written;
    }

    /** The desired state changed between the read that chose an unsynced write and its transaction. */
    private static final class DesiredStateMoved extends RuntimeException {
        DesiredStateMoved() {
            super(null, null, false, false);
        }
    }

    private StoredServer writeDesired(Connection c, UUID id, DesiredState desired) throws SQLException {
        StoredServer current = servers.committed(c, id).orElseThrow(() -> new ServerNotFoundException(id));
        Instant now = now();
        try (PreparedStatement ps = c.prepareStatement("UPDATE servers SET desired = ?, updated_at = ? WHERE id = ?")) {
            ps.setString(1, desired.wireName());
            ps.setLong(2, now.toEpochMilli());
            ps.setString(3, id.toString());
            ps.executeUpdate();
        }
        return new StoredServer(current.spec(), current.version(), desired, current.createdAt(), now);
    }

    /** {@inheritDoc} Its SFTP users go with it (their open sessions end). */
    @Override
    public boolean delete(UUID id) {
        return delete(id, null);
    }

    /** {@inheritDoc} The record is written only when the server existed, in the transaction that deletes it. */
    @Override
    public boolean delete(UUID id, PendingRemoval.Target pending) {
        return delete(id, pending, null);
    }

    /** {@inheritDoc} One synced commit: the removal, the record of the files left on a node, the answer and its prune. */
    @Override
    public boolean delete(UUID id, PendingRemoval.Target pending, FinishedOperation answered) {
        Objects.requireNonNull(id, "id");
        return db.write("delete server " + id, c -> {
            if (answered != null) {
                OperationRecords.finishAndPrune(c, answered);
            }
            boolean existed = deleteServer(c, id);
            if (existed && pending != null) {
                long now = now().toEpochMilli();
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO pending_removals (server_id, generation, node, volume, image, since, attempts, next_attempt, last_error)
                        VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)
                        ON CONFLICT (node, volume, generation) DO UPDATE SET last_error = excluded.last_error""")) {
                    ps.setString(1, pending.serverId().toString());
                    ps.setLong(2, pending.generation().toEpochMilli());
                    ps.setString(3, pending.node());
                    ps.setString(4, pending.volume());
                    ps.setString(5, pending.image());
                    ps.setLong(6, now);
                    ps.setLong(7, now + dev.raptor.core.node.PendingRemovals.delayAfter(1).toMillis());
                    ps.setString(8, pending.reason());
                    ps.executeUpdate();
                }
            }
            return existed;
        });
    }

    @Override
    public List<PendingRemoval> pendingRemovals() {
        return db.read("read pending removals", c -> {
            List<PendingRemoval> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, server_id, generation, node, volume, image, since, attempts, next_attempt, last_error
                    FROM pending_removals ORDER BY id""");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    PendingRemoval.Target t = new PendingRemoval.Target(UUID.fromString(rs.getString(2)),
                            Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(10));
                    out.add(new PendingRemoval(rs.getLong(1), t, Instant.ofEpochMilli(rs.getLong(7)), rs.getInt(8),
                            Instant.ofEpochMilli(rs.getLong(9)), rs.getString(10)));
                }
            }
            return out;
        });
    }

    @Override
    public void removalFailed(long removalId, int attempts, Instant nextAttempt, String error) {
        db.write("record a failed removal " + removalId, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE pending_removals SET attempts = ?, next_attempt = ?, last_error = ? WHERE id = ?")) {
                ps.setInt(1, attempts);
                ps.setLong(2, nextAttempt.toEpochMilli());
                ps.setString(3, error == null ? "" : error);
                ps.setLong(4, removalId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void removalDone(long removalId) {
        db.write("drop pending removal " + removalId, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM pending_removals WHERE id = ?")) {
                ps.setLong(1, removalId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static boolean deleteServer(java.sql.Connection c, UUID id) throws java.sql.SQLException {
        // Explicitly, not only by the foreign key's cascade, so that the users' watcher hears of it.
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM sftp_users WHERE server_id = ?")) {
            ps.setString(1, id.toString());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM servers WHERE id = ?")) {
            ps.setString(1, id.toString());
            return ps.executeUpdate() > 0;
        }
    }

    /** {@inheritDoc} The server need not exist (any more): history may outlive it. */
    @Override
    public ActivityEntry appendActivity(UUID server, String type, String message, Map<String, String> details) {
        return appendActivity(server, type, message, details, true);
    }

    /** {@inheritDoc} One synced commit: the entry, the answer and its prune. */
    @Override
    public ActivityEntry appendActivity(UUID server, String type, String message, Map<String, String> details,
                                        FinishedOperation answered) {
        if (answered == null) {
            return appendActivity(server, type, message, details);
        }
        SqlWork<ActivityEntry> insert = activityInsert(server, type, message, details);
        return db.write("append activity of server " + server + " with the answer of operation " + answered.answer().id(), c -> {
            OperationRecords.finishAndPrune(c, answered);
            return insert.apply(c);
        });
    }

    /** {@inheritDoc} Committed with {@link Database#writeUnsynced}: the next synced commit puts it on disk. */
    @Override
    public ActivityEntry appendPassingActivity(UUID server, String type, String message, Map<String, String> details) {
        return appendActivity(server, type, message, details, false);
    }

    private ActivityEntry appendActivity(UUID server, String type, String message, Map<String, String> details, boolean synced) {
        SqlWork<ActivityEntry> insert = activityInsert(server, type, message, details);
        String operation = "append activity of server " + server;
        return synced ? db.write(operation, insert) : db.writeUnsynced(operation, insert);
    }

    /** The insert of one activity entry, its arguments checked and encoded before any transaction begins. */
    private SqlWork<ActivityEntry> activityInsert(UUID server, String type, String message, Map<String, String> details) {
        Objects.requireNonNull(server, "server");
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("an activity entry needs a type");
        }
        Objects.requireNonNull(message, "message");
        Map<String, String> facts = details == null ? Map.of() : details;
        String detailsJson = RowJson.write(facts);
        return c -> {
            Instant now = now();
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO activity (server, at, type, message, details) VALUES (?, ?, ?, ?, ?) RETURNING id")) {
                ps.setString(1, server.toString());
                ps.setLong(2, now.toEpochMilli());
                ps.setString(3, type);
                ps.setString(4, message);
                ps.setString(5, detailsJson);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new ActivityEntry(rs.getLong(1), server, now, type, message, facts);
                }
            }
        };
    }

    @Override
    public List<ActivityEntry> activity(UUID server, long beforeId, int limit) {
        Objects.requireNonNull(server, "server");
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("an activity page holds 1 to 1000 entries (asked for " + limit + ")");
        }
        return db.read("read activity of server " + server, c -> {
            List<ActivityEntry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, at, type, message, details FROM activity
                    WHERE server = ? AND id < ? ORDER BY id DESC LIMIT ?""")) {
                ps.setString(1, server.toString());
                ps.setLong(2, beforeId);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ActivityEntry(rs.getLong(1), server, Instant.ofEpochMilli(rs.getLong(2)),
                                rs.getString(3), rs.getString(4), details(rs.getString(5))));
                    }
                }
            }
            return out;
        });
    }

    // ------------------------------------------------------------------------------ beyond the port

    /** The SFTP/FTP users of this store's servers. */
    public SftpUsers sftpUsers() {
        return sftp;
    }

    /** The node's templates (imported eggs). */
    public Templates templates() {
        return templates;
    }

    /** Servers' install scripts and how their last install went. */
    public Installs installs() {
        return installs;
    }

    /** Servers' update sources, versions and update histories (a new view each call; it holds no state). */
    public dev.raptor.store.update.Updates updates() {
        return new dev.raptor.store.update.Updates(db);
    }

    /** Online snapshots of this store into {@code <dataDir>/snapshots}. */
    public Snapshots snapshots() {
        return snapshots;
    }

    /** Backups of servers' files and how each ended, on this store's database (a new view each call; it holds no state). */
    public dev.raptor.store.backup.BackupRecords backupRecords() {
        return new dev.raptor.store.backup.BackupRecords(db);
    }

    /** The API's operations and their outcomes, on this store's database (a new view each call; it holds no state). */
    public OperationRecords operationRecords() {
        return new OperationRecords(db);
    }

    /**
     * How many servers the database itself holds, asked over a read connection rather than the
     * in-memory list: a health probe that the database answers.
     */
    public int probeServerCount() {
        return db.read("count servers", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM servers"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /**
     * Deep health's store check: one durable write (the probe row, committed like every intent, with
     * {@code synchronous=FULL}) and one read back.
     *
     * @return what it wrote
     * @throws StoreException when the database does not take it
     */
    public String probeWrite() {
        long now = System.currentTimeMillis();
        db.write("health probe", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO health_probe (id, written_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at")) {
                ps.setLong(1, now);
                ps.executeUpdate();
            }
            return null;
        });
        int servers = probeServerCount();
        return "sqlite committed a write and answers (" + servers + (servers == 1 ? " server)" : " servers)");
    }

    /** SQLite's full {@code integrity_check} of the live database; empty when it is sound. */
    public List<String> checkIntegrity() {
        return db.read("integrity check", IntegrityCheck::full);
    }

    /** {@inheritDoc} From memory (the last commit), like {@link #list()}. */
    @Override
    public ExportedState export() {
        return new ExportedState(now(), list());
    }

    /**
     * {@inheritDoc} Each imported server gets an {@code import} activity entry.
     *
     * @throws ImportConflictException when ids exist and {@code mode} is {@link ImportMode#FAIL_ON_EXISTING}
     */
    @Override
    public ImportReport importPlan(ImportPlan plan, ImportMode mode) {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(mode, "mode");
        ImportReport report = db.write("import " + plan.servers().size() + " servers and " + plan.ftpLogins().size()
                + " SFTP users", c -> {
            Map<UUID, Long> existing = new LinkedHashMap<>();
            for (StoredServer s : plan.servers()) {
                OptionalLong v = ServerRows.version(c, s.id());
                if (v.isPresent()) {
                    existing.put(s.id(), v.getAsLong());
                }
            }
            List<ImportConflictException.NameClash> clashes = nameClashes(plan, ServerRows.names(c));
            boolean idsClash = !existing.isEmpty() && mode == ImportMode.FAIL_ON_EXISTING;
            if (idsClash || !clashes.isEmpty()) {
                throw new ImportConflictException(idsClash ? List.copyOf(existing.keySet()) : List.of(), clashes);
            }
            List<UUID> imported = new ArrayList<>();
            Instant now = now();
            for (StoredServer s : plan.servers()) {
                Long current = existing.get(s.id());
                if (current == null) {
                    ServerRows.insert(c, s);
                } else {
                    ServerRows.replace(c, new StoredServer(s.spec(), Math.max(s.version(), current + 1), s.desired(),
                            s.createdAt(), s.updatedAt()));
                }
                insertImportActivity(c, s, plan, now);
                imported.add(s.id());
            }
            List<String> logins = importFtpLogins(c, plan);
            return new ImportReport(plan.format(), imported, List.copyOf(existing.keySet()), plan.legacyDockerIds(),
                    plan.warnings(), logins);
        });
        log.atInfo().addKeyValue("format", report.format()).addKeyValue("servers", report.imported().size())
                .addKeyValue("replaced", report.replaced().size()).addKeyValue("sftpUsers", report.sftpLogins().size())
                .addKeyValue("warnings", report.warnings().size()).log("state imported");
        return report;
    }

    /**
     * Writes the plan's legacy FTP logins as SFTP/FTP users on the import's transaction (after its servers, which they
     * may belong to); returns their login names.
     *
     * @throws dev.raptor.core.validation.InvalidSpecException naming every entry that cannot be written
     */
    private List<String> importFtpLogins(Connection c, ImportPlan plan) throws SQLException {
        if (plan.ftpLogins().isEmpty()) {
            return List.of();
        }
        Map<UUID, Boolean> exists = new HashMap<>();
        for (var login : plan.ftpLogins()) {
            for (UUID id : login.servers()) {
                if (!exists.containsKey(id)) {
                    exists.put(id, ServerRows.version(c, id).isPresent());
                }
            }
        }
        var users = dev.raptor.store.legacy.LegacyFtpCredentials.resolve(plan.ftpLogins(), exists::get);
        return sftp.importAll(c, users, "the legacy ftp_credentials.json").stream()
                .map(dev.raptor.core.sftp.SftpUser::loginName).toList();
    }

    /**
     * The imported servers whose names another server has: one that stays on the node (every server the
     * import does not overwrite), or one earlier in the import.
     */
    private static List<ImportConflictException.NameClash> nameClashes(ImportPlan plan, Map<UUID, String> onNode) {
        Map<UUID, String> holders = new LinkedHashMap<>(onNode);
        plan.servers().forEach(s -> holders.remove(s.id()));
        List<ImportConflictException.NameClash> clashes = new ArrayList<>();
        for (StoredServer s : plan.servers()) {
            try {
                ServerNames.check(s.id(), s.spec().name(), null, holders);
            } catch (NameTakenException e) {
                clashes.add(new ImportConflictException.NameClash(s.id(), s.spec().name(), e.holder(), e.holderName()));
            }
            holders.putIfAbsent(s.id(), s.spec().name());
        }
        return clashes;
    }

    private static void insertImportActivity(Connection c, StoredServer s, ImportPlan plan, Instant now)
            throws SQLException {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("format", plan.format().name().toLowerCase(Locale.ROOT));
        String dockerId = plan.legacyDockerIds().get(s.id());
        if (dockerId != null) {
            details.put("legacyDockerId", dockerId);
        }
        String message = switch (plan.format()) {
            case LEGACY_CONTAINERS -> "imported from the legacy containers.json";
            case LEGACY_FTP_CREDENTIALS -> "imported from the legacy ftp_credentials.json";
            case RAPTOR_EXPORT -> "imported from a Raptor export";
        };
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO activity (server, at, type, message, details) VALUES (?, ?, 'import', ?, ?)")) {
            ps.setString(1, s.id().toString());
            ps.setLong(2, now.toEpochMilli());
            ps.setString(3, message);
            ps.setString(4, RowJson.write(details));
            ps.executeUpdate();
        }
    }

    /** Closes the database (checkpointing the WAL) and releases the data directory. Idempotent. */
    @Override
    public void close() {
        try {
            db.close();
        } finally {
            lock.close();
        }
    }

    /** The database, for this package's tests (e.g. holding a write open). */
    Database database() {
        return db;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static final TypeReference<LinkedHashMap<String, String>> DETAILS = new TypeReference<>() {
    };

    /** An activity entry's details column: a JSON object of strings. */
    private static Map<String, String> details(String json) {
        try {
            return RowJson.mapper().readValue(json, DETAILS);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StoreException("an activity entry has details this Raptor cannot read: " + e.getOriginalMessage(), e);
        }
    }
}
