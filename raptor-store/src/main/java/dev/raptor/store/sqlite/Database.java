package dev.raptor.store.sqlite;

import dev.raptor.core.operation.Durability;
import dev.raptor.store.StoreCorruptedException;
import dev.raptor.store.StoreException;
import dev.raptor.store.migration.Migrations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One SQLite database file, opened for Raptor's access pattern: one writer connection behind a
 * {@link ReentrantLock}, and a small pool of read-only connections that, thanks to the WAL journal,
 * see the last commit without waiting for the writer. The building block of the store's
 * components; they never touch connections outside {@link #write} and {@link #read}.
 *
 * <p>Every write commits with {@code synchronous=FULL}: when {@link #write} returns, the commit is
 * on disk. Opening checks the file ({@code quick_check}) and migrates its schema.
 *
 * <p>Each synced commit costs an {@code fsync} of the WAL (a few milliseconds on a busy disk), so the store's
 * callers keep to two rules. What one change writes together goes in one {@link #write} (a new server's row and
 * its "server created" entry; a power action's desired state and its operation's pending record). And a write may skip its sync ({@link #writeUnsynced}) only when losing it to a
 * crash of the machine leaves a consistent store and no answer has been given that depends on it: a record the
 * same operation follows with a synced write before anyone hears of its outcome (a power request's entry, a state
 * a server passes through), or housekeeping the next run redoes (pruning old operations). The WAL keeps commits in
 * order, so the next synced commit puts every earlier one on disk. Each commit has a number in that order
 * ({@link #commitUnsynced}); {@link #onDisk} tells whether a synced commit has put it on disk yet, and {@link #sync}
 * puts it there when an answer is about to depend on it (a delete's operation record, before a 202 names it).
 * {@link #syncedCommits} counts what is paid; tests hold a server's create, start, stop and delete to their count.
 *
 * <p>A component can {@link #watch} a table: SQLite's update hook on the writer connection collects
 * the rowids each write changes there, and after the commit (never after a rollback) the watcher is
 * told which, still under the write lock, so it sees commits one at a time and in commit order.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /** The database's file name inside the data directory. */
    public static final String FILE_NAME = "raptor.db";

    private final Path file;
    private final Duration busyTimeout;
    private final Connection writer;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReadPool readers;
    /** Watched table -> its listener, and the rowids the open write changed there; only under {@link #writeLock}. */
    private final Map<String, RowChangeListener> watchers = new HashMap<>();
    private final Map<String, Set<Long>> changed = new HashMap<>();
    private volatile boolean closed;
    /** Whether the writer is in {@code synchronous=FULL} (its mode but during {@link #writeUnsynced}); under the write lock. */
    private boolean syncsEveryCommit = true;
    /** Commits made with {@code synchronous=FULL}, and {@link #sync}s of earlier ones: the WAL's fsyncs paid. */
    private final AtomicLong syncedCommits = new AtomicLong();
    /** Commits made, synced or not: each one a turn of the write lock and a transaction; the last one's number. */
    private final AtomicLong commits = new AtomicLong();
    /** The number of the last commit known to be on disk (every earlier one is too); written under the write lock. */
    private volatile long onDiskThrough;
    /**
     * Whether the journal is a WAL. Without one (a file system that refused it) SQLite syncs the database file at every
     * commit, synchronous NORMAL or FULL, so every commit is on disk when it returns.
     */
    private final boolean wal;

    private Database(Path file, Duration busyTimeout, Connection writer, int readConnections, boolean wal) throws SQLException {
        this.file = file;
        this.wal = wal;
        this.busyTimeout = busyTimeout;
        this.writer = writer;
        this.readers = new ReadPool(readConnections, this::openReader);
        // Called by SQLite on the thread running the statement, which holds the write lock.
        writer.unwrap(SQLiteConnection.class).addUpdateListener((type, database, table, rowId) -> {
            Set<Long> rows = changed.get(table);
            if (rows != null && "main".equals(database)) {
                rows.add(rowId);
            }
        });
    }

    /**
     * Opens (creating if absent) the database at {@code file}, checks it and migrates it.
     *
     * @throws StoreCorruptedException                 when the file is damaged or not a database
     * @throws dev.raptor.store.SchemaTooNewException   when a newer Raptor wrote it
     */
    public static Database open(Path file, Duration busyTimeout, int readConnections) {
        Connection writer = null;
        try {
            createPrivately(file);
            writer = writerConfig(busyTimeout).createConnection(url(file));
            List<String> problems = IntegrityCheck.quick(writer);
            if (!problems.isEmpty()) {
                throw new StoreCorruptedException(file, IntegrityCheck.summarize(problems), null);
            }
            String journal = pragma(writer, "journal_mode");
            boolean wal = "wal".equalsIgnoreCase(journal);
            if (!wal) {
                log.atWarn().addKeyValue("file", file).addKeyValue("journalMode", journal)
                        .log("the file system refused WAL mode; reads will wait for writes");
            }
            int applied = Migrations.migrate(writer, file);
            log.atInfo().addKeyValue("file", file).addKeyValue("schema", Migrations.latestVersion())
                    .addKeyValue("migrationsApplied", applied).log("opened database");
            return new Database(file, busyTimeout, writer, readConnections, wal);
        } catch (SQLException e) {
            closeQuietly(writer);
            throw translate(file, "open", e);
        } catch (RuntimeException e) {
            closeQuietly(writer);
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    /**
     * Creates a missing database file empty and readable by its owner only (0600), which SQLite takes for a new
     * database. SQLite would make it 0644, and gives its -wal and -shm files the mode of the database file, so
     * this keeps all three private.
     */
    private static void createPrivately(Path file) {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            // an existing database keeps its mode; the daemon tightens a data directory made by an older version
        } catch (IOException | UnsupportedOperationException e) {
            log.atDebug().addKeyValue("file", file).log("could not create the database file privately: " + e);
        }
    }

    /**
     * Runs {@code work} in one write transaction ({@code BEGIN IMMEDIATE} ... {@code COMMIT}) on the
     * writer connection, holding the write lock only for this call. Any exception rolls back and is
     * rethrown (an {@link SQLException} as a {@link StoreException} naming {@code operation}). After the
     * commit, before the lock is released, the {@linkplain #watch watchers} of the tables it changed run.
     */
    public <T> T write(String operation, SqlWork<T> work) {
        return write(operation, true, work).value();
    }

    /**
     * {@link #write}, committed without a sync of its own: for a record another synced commit follows soon (an
     * activity entry of a state a server passes through). The WAL is written in commit order, so the next synced
     * commit (of any write) puts this one on disk too; until then it survives a crash of the daemon (the commit is
     * in the operating system's cache) but not of the machine. It saves the fsync, a few milliseconds on a busy disk.
     */
    public <T> T writeUnsynced(String operation, SqlWork<T> work) {
        return write(operation, false, work).value();
    }

    /**
     * {@link #writeUnsynced}, answering also the commit's number: whoever is to tell a client of what it wrote asks
     * {@link #onDisk} and {@link #sync}s it if no synced commit has put it on disk yet.
     */
    public <T> Committed<T> commitUnsynced(String operation, SqlWork<T> work) {
        return write(operation, false, work);
    }

    /** A write's result and its commit's number (commits are numbered from 1 in the order they are made). */
    public record Committed<T>(T value, long number) {
    }

    /** Whether commit {@code number} is on disk: it was synced, or a synced commit (or a {@link #sync}) followed it. */
    public boolean onDisk(long number) {
        return number <= onDiskThrough;
    }

    /**
     * Puts commit {@code number} on disk, and every commit before it: at once when a synced commit already has, else
     * with one {@code fdatasync} of the WAL (which is what a synced commit does after writing its own frames: the WAL
     * holds the commits in order, each one written whole before its commit returned). Under the write lock, so that it
     * waits for no write in flight and none begins meanwhile.
     *
     * @throws StoreException when the sync fails
     */
    public void sync(long number) {
        if (onDisk(number)) {
            return;
        }
        writeLock.lock();
        try {
            ensureOpen();
            if (onDisk(number)) {
                return;
            }
            long through = commits.get();
            if (wal) {
                syncWal();
            }
            syncedCommits.incrementAndGet();
            onDiskThrough = Math.max(onDiskThrough, through);
        } finally {
            writeLock.unlock();
        }
    }

    /** Commit {@code number} as a {@link Durability}: what the store's callers hold of a write not yet synced. */
    public Durability durability(long number) {
        return new Durability() {
            @Override
            public boolean onDisk() {
                return Database.this.onDisk(number);
            }

            @Override
            public void sync() {
                Database.this.sync(number);
            }
        };
    }

    private void syncWal() {
        Path walFile = Path.of(file + "-wal");
        try (FileChannel channel = FileChannel.open(walFile, StandardOpenOption.READ)) {
            channel.force(false);
        } catch (NoSuchFileException e) {
            // no WAL: SQLite removed it after a checkpoint that put every commit in the database file, and synced that
        } catch (IOException e) {
            throw new StoreException("syncing the write-ahead log " + walFile + " failed: " + e.getMessage(), e);
        }
    }

    private <T> Committed<T> write(String operation, boolean synced, SqlWork<T> work) {
        writeLock.lock();
        try {
            ensureOpen();
            if (synced == syncsEveryCommit) {
                return writeLocked(operation, work);
            }
            // back to FULL before a synced write, even after a failed restore below
            synchronous(synced);
            if (synced) {
                return writeLocked(operation, work);
            }
            try {
                return writeLocked(operation, work);
            } finally {
                restoreFullSync(operation);
            }
        } catch (SQLException e) {
            throw translate(file, operation, e);
        } finally {
            writeLock.unlock();
        }
    }

    /** Sets the writer's sync mode (FULL or NORMAL); outside any transaction, under the write lock. */
    private void synchronous(boolean full) throws SQLException {
        try (Statement s = writer.createStatement()) {
            s.execute("PRAGMA synchronous = " + (full ? "FULL" : "NORMAL"));
        }
        syncsEveryCommit = full;
    }

    /** The unsynced write stands; a failed restore is retried by the next synced write, before it begins. */
    private void restoreFullSync(String operation) {
        try {
            synchronous(true);
        } catch (SQLException e) {
            log.atWarn().addKeyValue("file", file).addKeyValue("operation", operation).addKeyValue("error", e.toString())
                    .log("could not set synchronous=FULL again after an unsynced write; the next synced write sets it");
        }
    }

    private <T> Committed<T> writeLocked(String operation, SqlWork<T> work) {
        try {
            changed.values().forEach(Set::clear);
            Transactions.beginImmediate(writer);
            boolean committed = false;
            try {
                T result = work.apply(writer);
                Transactions.commit(writer);
                committed = true;
                long number = commits.incrementAndGet();
                if (syncsEveryCommit) {
                    syncedCommits.incrementAndGet();
                }
                if (syncsEveryCommit || !wal) {
                    onDiskThrough = number;
                }
                tellWatchers(operation);
                return new Committed<>(result, number);
            } finally {
                if (!committed) {
                    Transactions.rollbackQuietly(writer);
                    changed.values().forEach(Set::clear);
                }
            }
        } catch (SQLException e) {
            throw translate(file, operation, e);
        }
    }

    /**
     * How many writes committed with a sync of their own ({@link #write}, not {@link #writeUnsynced}) since the
     * database was opened, and how many {@link #sync}s of earlier commits it made: what its callers paid in
     * {@code fsync}s of the WAL.
     */
    public long syncedCommits() {
        return syncedCommits.get();
    }

    /** How many writes committed ({@link #write} and {@link #writeUnsynced}) since the database was opened. */
    public long commits() {
        return commits.get();
    }

    /**
     * From now on, after every committed write that inserted, updated or deleted rows of {@code table},
     * calls {@code listener} with their rowids (see {@link RowChangeListener}). One listener per table.
     */
    public void watch(String table, RowChangeListener listener) {
        writeLock.lock();
        try {
            if (watchers.putIfAbsent(table, listener) != null) {
                throw new IllegalStateException("table " + table + " is already watched");
            }
            changed.put(table, new LinkedHashSet<>());
        } finally {
            writeLock.unlock();
        }
    }

    /** Under the write lock, right after a commit. A listener's failure is logged: the write stands. */
    private void tellWatchers(String operation) {
        for (Map.Entry<String, Set<Long>> e : changed.entrySet()) {
            Set<Long> rows = e.getValue();
            if (rows.isEmpty()) {
                continue;
            }
            try {
                watchers.get(e.getKey()).committed(writer, Set.copyOf(rows));
            } catch (SQLException | RuntimeException ex) {
                log.atWarn().addKeyValue("file", file).addKeyValue("table", e.getKey()).addKeyValue("operation", operation)
                        .addKeyValue("error", ex.toString()).log("a watcher of a committed write failed");
            } finally {
                rows.clear();
            }
        }
    }

    /**
     * Runs {@code work} on a read-only connection from the pool. It sees the last commit and never
     * waits for a write in progress. Several statements that must agree belong in one
     * {@code BEGIN}/{@code COMMIT} inside {@code work}.
     */
    public <T> T read(String operation, SqlWork<T> work) {
        ensureOpen();
        Connection c;
        try {
            c = readers.borrow();
        } catch (SQLException e) {
            throw translate(file, operation, e);
        }
        try {
            return work.apply(c);
        } catch (SQLException e) {
            throw translate(file, operation, e);
        } finally {
            readers.release(c);
        }
    }

    /** Closes every connection; the last close checkpoints the WAL into the main file. Idempotent. */
    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            readers.close();
            closeQuietly(writer);
            log.atInfo().addKeyValue("file", file).log("closed database");
        } finally {
            writeLock.unlock();
        }
    }

    /** @throws IllegalStateException when the database is closed */
    public void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the store at " + file + " is closed");
        }
    }

    private Connection openReader() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(millis(busyTimeout));
        return config.createConnection(url(file));
    }

    private static SQLiteConfig writerConfig(Duration busyTimeout) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: in WAL mode every commit syncs the WAL, so an acknowledged write survives power loss.
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(millis(busyTimeout));
        config.enforceForeignKeys(true);
        return config;
    }

    /** An SQLException as the store reports it: corruption as such, anything else naming the operation. */
    public static StoreException translate(Path file, String operation, SQLException e) {
        if (SqliteErrors.isCorruption(e)) {
            return new StoreCorruptedException(file, SqliteErrors.describe(e), e);
        }
        return new StoreException(operation + " failed on " + file + ": " + SqliteErrors.describe(e), e);
    }

    private static String pragma(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    private static String url(Path file) {
        return "jdbc:sqlite:" + file.toAbsolutePath();
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            log.atWarn().addKeyValue("error", e.getMessage()).log("closing the writer connection failed");
        }
    }
}
