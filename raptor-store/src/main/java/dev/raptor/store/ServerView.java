package dev.raptor.store;

import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.StoredServer;
import dev.raptor.store.row.SpecFormat;
import dev.raptor.store.sqlite.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code servers} table as last committed, in memory: what {@link SqliteStore#find} and
 * {@link SqliteStore#list} answer from, without SQL or decoding. It is an immutable snapshot behind a
 * volatile field, so a read never waits, not even for a write in progress, and never sees half of one.
 *
 * <p>It cannot drift from the table: it {@linkplain Database#watch watches} it, so after every write
 * that changed rows there commits (through the store or not), still under the write lock, those rows
 * are read back as committed and a new snapshot replaces the old one; snapshots are therefore
 * published in commit order. A write that fails or rolls back never reaches it. A spec whose stored
 * text and format did not change (a desired-state write) is not decoded again, nor one the write itself stored
 * (a create, an update: the writer hands the view the spec with its text). Should a refresh fail, the view
 * drops its snapshot and the next read, or write, reloads the whole table under the write lock.
 *
 * <p>A row this Raptor cannot read (a spec it cannot decode) stays in the view as that fact: finding
 * it, or listing while it is there, throws the {@link StoreException} reading it used to throw.
 */
final class ServerView {
    private static final String TABLE = "servers";
    private static final String SELECT = "SELECT rowid AS row_id, " + ServerRows.COLUMNS + " FROM " + TABLE;
    /** The list's order, the table's {@code ORDER BY created_at, rowid}. */
    private static final Comparator<Row> ORDER = Comparator.comparing(Row::createdAt).thenComparingLong(Row::rowid);

    private final Database db;
    /** Null after a failed refresh, until a read or the next write reloads it. */
    private volatile Snapshot snapshot;
    /**
     * Specs the open write stored (their text in the current format -> the spec), so the refresh after its commit
     * need not decode what was encoded a moment before; only under the write lock, emptied by every refresh.
     */
    private final Map<String, ServerSpec> written = new HashMap<>();

    private ServerView(Database db) {
        this.db = db;
    }

    /** Loads the table and follows its commits from now on. */
    static ServerView open(Database db) {
        ServerView view = new ServerView(db);
        db.watch(TABLE, view::committed);
        view.current();
        return view;
    }

    Optional<StoredServer> find(UUID id) {
        Row row = current().row(id);
        return row == null ? Optional.empty() : Optional.of(row.readable());
    }

    /**
     * All servers, oldest first: the snapshot's own unmodifiable list, the same instance until the next commit changes
     * the table (a panel lists the servers back to back; a copy per poll was garbage).
     */
    List<StoredServer> list() {
        Snapshot s = current();
        if (s.servers != null) {
            return s.servers;
        }
        for (Row r : s.ordered) {
            r.readable(); // throws for the first row this Raptor cannot read
        }
        throw new IllegalStateException("a snapshot without its list has a row it cannot read");
    }

    /**
     * The server as last committed, for a write transaction that is about to change it: call it on the
     * writer connection, under the write lock, before the transaction touched the row. There every
     * earlier commit has been applied to the view, so it saves decoding the row again.
     */
    Optional<StoredServer> committed(Connection writer, UUID id) throws SQLException {
        Snapshot s = snapshot;
        if (s == null) {
            return ServerRows.find(writer, id);
        }
        Row row = s.row(id);
        return row == null ? Optional.empty() : Optional.of(row.readable());
    }

    /**
     * Tells the view that the open write stored {@code spec} as {@code text} (in the current format): on the writer
     * connection, under the write lock. Decoding a stored spec gives back an equal one (ServerViewTest holds it to
     * that), so the refresh after the commit takes {@code spec} as it is. A write that rolls back leaves an entry
     * the next refresh drops; it can only ever match the same text, whose spec is equal.
     */
    void wrote(String text, ServerSpec spec) {
        written.put(text, spec);
    }

    private Snapshot current() {
        db.ensureOpen();
        Snapshot s = snapshot;
        return s != null ? s : reload();
    }

    /** Only at open and after a failed refresh: reads the whole table, in line with the writers. */
    private Snapshot reload() {
        return db.write("load the server list", c -> {
            Snapshot s = snapshot;
            if (s == null) {
                s = Snapshot.of(readAll(c));
                snapshot = s;
            }
            return s;
        });
    }

    /** The {@link dev.raptor.store.sqlite.RowChangeListener}: after a commit, under the write lock. */
    private void committed(Connection writer, Set<Long> rowids) throws SQLException {
        Snapshot before = snapshot;
        boolean refreshed = false;
        try {
            snapshot = before == null ? Snapshot.of(readAll(writer)) : before.with(readRows(writer, rowids, before, written));
            refreshed = true;
        } finally {
            written.clear();
            if (!refreshed) {
                snapshot = null;
            }
        }
    }

    private static List<Row> readAll(Connection c) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY created_at, rowid");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(Row.read(rs, null, Map.of()));
            }
        }
        return rows;
    }

    /** Each rowid's row as committed, or null when it is gone. */
    private static Map<Long, Row> readRows(Connection c, Set<Long> rowids, Snapshot before, Map<String, ServerSpec> written)
            throws SQLException {
        Map<Long, Row> rows = HashMap.newHashMap(rowids.size());
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE rowid = ?")) {
            for (long rowid : rowids) {
                ps.setLong(1, rowid);
                try (ResultSet rs = ps.executeQuery()) {
                    rows.put(rowid, rs.next() ? Row.read(rs, before.rowAt(rowid), written) : null);
                }
            }
        }
        return rows;
    }

    /**
     * One row of the table: its server, or (when {@code server} is null) why this Raptor cannot read it.
     *
     * @param id         the id column, null if it is not a UUID
     * @param specText   the spec column as stored, to tell whether a later commit changed it
     * @param specFormat the spec_format column, likewise
     */
    private record Row(long rowid, UUID id, Instant createdAt, String specText, int specFormat, StoredServer server,
                       String unreadable) {

        /**
         * Reads the current row; reuses {@code previous}'s decoded spec when the stored text is the same, or the spec
         * the write stored as that text ({@code written}, current format).
         */
        static Row read(ResultSet rs, Row previous, Map<String, ServerSpec> written) throws SQLException {
            long rowid = rs.getLong("row_id");
            String idText = rs.getString("id");
            Instant createdAt = Instant.ofEpochMilli(rs.getLong("created_at"));
            String text = rs.getString("spec");
            int format = rs.getInt("spec_format");
            UUID id;
            try {
                id = UUID.fromString(idText);
            } catch (IllegalArgumentException e) {
                return new Row(rowid, null, createdAt, text, format, null,
                        "server row " + rowid + " has an id that is not a UUID ('" + idText + "')");
            }
            try {
                ServerSpec stored = format == SpecFormat.CURRENT.number() ? written.get(text) : null;
                ServerSpec spec = stored != null ? stored
                        : previous != null && previous.server != null && previous.specFormat == format
                        && previous.specText.equals(text)
                        ? previous.server.spec()
                        : ServerRows.spec(idText, text, format);
                return new Row(rowid, id, createdAt, text, format, ServerRows.read(rs, spec), null);
            } catch (StoreException e) {
                return new Row(rowid, id, createdAt, text, format, null, e.getMessage());
            } catch (IllegalArgumentException e) {
                return new Row(rowid, id, createdAt, text, format, null,
                        "server " + idText + " has a stored row this Raptor cannot read (" + e.getMessage() + ")");
            }
        }

        /** @throws StoreException when this Raptor cannot read the row */
        StoredServer readable() {
            if (server == null) {
                throw new StoreException(unreadable);
            }
            return server;
        }
    }

    /** The whole table at one commit, sorted as listed. Never changed once built. */
    private static final class Snapshot {
        final Row[] ordered;
        final Map<UUID, Integer> byId;
        final Map<Long, Integer> byRowid;
        /** Every row's server in order, unmodifiable; null when a row cannot be read (listing throws then). */
        final List<StoredServer> servers;

        private Snapshot(Row[] ordered, Map<UUID, Integer> byId, Map<Long, Integer> byRowid) {
            this.ordered = ordered;
            this.byId = byId;
            this.byRowid = byRowid;
            StoredServer[] servers = new StoredServer[ordered.length];
            for (int i = 0; i < ordered.length; i++) {
                servers[i] = ordered[i].server();
                if (servers[i] == null) {
                    servers = null;
                    break;
                }
            }
            this.servers = servers == null ? null : java.util.Collections.unmodifiableList(Arrays.asList(servers));
        }

        static Snapshot of(Collection<Row> rows) {
            Row[] ordered = rows.toArray(Row[]::new);
            Arrays.sort(ordered, ORDER);
            Map<UUID, Integer> byId = HashMap.newHashMap(ordered.length);
            Map<Long, Integer> byRowid = HashMap.newHashMap(ordered.length);
            for (int i = 0; i < ordered.length; i++) {
                if (ordered[i].id() != null) {
                    byId.put(ordered[i].id(), i);
                }
                byRowid.put(ordered[i].rowid(), i);
            }
            return new Snapshot(ordered, byId, byRowid);
        }

        Row row(UUID id) {
            Integer i = byId.get(id);
            return i == null ? null : ordered[i];
        }

        Row rowAt(long rowid) {
            Integer i = byRowid.get(rowid);
            return i == null ? null : ordered[i];
        }

        /**
         * This snapshot with {@code changes} (rowid to the row as committed, null when deleted) applied.
         * The common write (same rows, same order: a desired state, a spec update) copies only the
         * array; an insert, a delete or a new creation time sorts again.
         */
        Snapshot with(Map<Long, Row> changes) {
            Row[] next = ordered.clone();
            for (Map.Entry<Long, Row> e : changes.entrySet()) {
                Integer i = byRowid.get(e.getKey());
                Row now = e.getValue();
                if (i == null || now == null || !Objects.equals(ordered[i].id(), now.id())
                        || !ordered[i].createdAt().equals(now.createdAt())) {
                    return rebuilt(changes);
                }
                next[i] = now;
            }
            return new Snapshot(next, byId, byRowid);
        }

        private Snapshot rebuilt(Map<Long, Row> changes) {
            Map<Long, Row> rows = HashMap.newHashMap(ordered.length + changes.size());
            for (Row r : ordered) {
                rows.put(r.rowid(), r);
            }
            changes.forEach((rowid, row) -> {
                if (row == null) {
                    rows.remove(rowid);
                } else {
                    rows.put(rowid, row);
                }
            });
            return of(rows.values());
        }
    }
}
