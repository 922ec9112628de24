package dev.raptor.store.operation;

import dev.raptor.core.operation.FinishedOperation;
import dev.raptor.core.operation.OperationJournal;
import dev.raptor.core.operation.OperationKind;
import dev.raptor.core.operation.OperationProblem;
import dev.raptor.core.operation.OperationProgress;
import dev.raptor.core.operation.OperationRecord;
import dev.raptor.core.operation.OperationStatus;
import dev.raptor.store.sqlite.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * The {@code operations} table: every operation the API handed out (power actions, long file work, backups and
 * restores, told apart by {@code kind}), written when it is submitted and
 * again when it is answered, so {@code GET /operations/{opId}} answers across a daemon restart. Each
 * record is one synced transaction (see {@link Database#write}; a {@link #prune} is not); reads never wait for a write.
 *
 * <p>An answer is final: once a row is done, superseded or failed, nothing overwrites it.
 */
public final class OperationRecords implements OperationJournal {
    private static final Logger log = LoggerFactory.getLogger(OperationRecords.class);

    /**
     * Inserts a row, or answers a pending one. The {@code WHERE} keeps a finished row as it is: an
     * operation gets one answer.
     */
    private static final String UPSERT = """
            INSERT INTO operations (id, server_id, action, status, created_at, finished_at, state, superseded_by, reason,
                kind, path, stage, bytes_done, bytes_total, files_done, files_total, bytes_per_second, backup_id,
                problem_status, problem_type)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, finished_at = excluded.finished_at,
                state = excluded.state, superseded_by = excluded.superseded_by, reason = excluded.reason,
                path = excluded.path, stage = excluded.stage, bytes_done = excluded.bytes_done,
                bytes_total = excluded.bytes_total, files_done = excluded.files_done, files_total = excluded.files_total,
                bytes_per_second = excluded.bytes_per_second, backup_id = excluded.backup_id,
                problem_status = excluded.problem_status, problem_type = excluded.problem_type
            WHERE operations.status = 'pending'""";

    private static final String COLUMNS = """
            id, server_id, action, status, created_at, finished_at, state, superseded_by, reason,
            kind, path, stage, bytes_done, bytes_total, files_done, files_total, bytes_per_second, backup_id,
            problem_status, problem_type""";

    private final Database db;

    public OperationRecords(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    /**
     * Records a submitted operation; returns once that is on disk.
     *
     * @throws IllegalArgumentException when {@code pending} has already finished
     * @throws dev.raptor.store.StoreException when the write fails
     */
    @Override
    public void begin(OperationRecord pending) {
        db.write("record operation " + pending.id() + " on server " + pending.serverId(), c -> begin(c, pending));
    }

    /**
     * Records a submitted operation inside another write's transaction (the intent that the operation asks for: see
     * {@link dev.raptor.core.server.ServerStore#setDesiredState(UUID, dev.raptor.core.server.DesiredState,
     * dev.raptor.core.operation.PendingOperation)}).
     *
     * @throws IllegalArgumentException when {@code pending} has already finished
     */
    public static Void begin(Connection c, OperationRecord pending) throws SQLException {
        if (pending.finished()) {
            throw new IllegalArgumentException("operation " + pending.id() + " begins pending, not " + pending.status().wireName());
        }
        return upsert(c, pending);
    }

    /**
     * Records an operation's answer (inserting the whole row if its {@link #begin} never made it to
     * disk). A row that already has an answer keeps it.
     *
     * @throws IllegalArgumentException when {@code answered} is still pending
     * @throws dev.raptor.store.StoreException when the write fails
     */
    @Override
    public void finish(OperationRecord answered) {
        if (!answered.finished()) {
            throw new IllegalArgumentException("operation " + answered.id() + " is still pending");
        }
        db.write("record the outcome of operation " + answered.id() + " on server " + answered.serverId(),
                c -> upsert(c, answered));
    }

    /**
     * {@inheritDoc} One synced commit: the answer's row and the prune's deletes ride in one transaction, where a prune
     * of its own took a second turn of the write lock (and an unsynced commit) after every answer.
     */
    @Override
    public void finishAndPrune(OperationRecord answered, Instant finishedBefore, int keep) {
        FinishedOperation finished = new FinishedOperation(answered, finishedBefore, keep); // checks all three
        db.write("record the outcome of operation " + answered.id() + " on server " + answered.serverId() + " and prune",
                c -> finishAndPrune(c, finished));
    }

    /**
     * Records an operation's answer and the prune that follows it inside another write's transaction (the commit of
     * the state the operation's action ends in: see {@link dev.raptor.core.operation.PendingOperation}).
     *
     * @return how many rows the prune deleted
     */
    public static int finishAndPrune(Connection c, FinishedOperation finished) throws SQLException {
        upsert(c, finished.answer());
        return prune(c, finished.pruneBefore(), finished.keep());
    }

    @Override
    public Optional<OperationRecord> find(String id) {
        Objects.requireNonNull(id, "id");
        return db.read("read operation " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM operations WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.empty();
                }
            }
        });
    }

    /**
     * Answers every operation still pending as superseded: for the daemon's boot, when nothing of the
     * previous run is still working on them. One transaction.
     *
     * @param at           the finish time to record
     * @param supersededBy what superseded them (e.g. {@code daemon restart})
     * @param reason       the reason to record, given each operation's kind and action
     * @return how many there were
     */
    @Override
    public int supersedePending(Instant at, String supersededBy, BiFunction<OperationKind, String, String> reason) {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(supersededBy, "supersededBy");
        Objects.requireNonNull(reason, "reason");
        int count = db.write("supersede the operations left pending", c -> {
            Map<String, String> pending = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, kind, action FROM operations WHERE finished_at IS NULL");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pending.put(rs.getString(1), reason.apply(OperationKind.parse(rs.getString(2)), rs.getString(3)));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE operations SET status = 'superseded', finished_at = ?, superseded_by = ?, reason = ?
                    WHERE id = ? AND finished_at IS NULL""")) {
                for (Map.Entry<String, String> e : pending.entrySet()) {
                    ps.setLong(1, at.toEpochMilli());
                    ps.setString(2, supersededBy);
                    ps.setString(3, e.getValue());
                    ps.setString(4, e.getKey());
                    ps.executeUpdate();
                }
            }
            return pending.size();
        });
        if (count > 0) {
            log.atInfo().addKeyValue("operations", count).addKeyValue("supersededBy", supersededBy)
                    .log("answered the operations a previous run left pending");
        }
        return count;
    }

    /**
     * Deletes answered operations that finished before {@code finishedBefore}, and beyond that all but
     * the {@code keep} most recently answered. Pending operations are never deleted.
     *
     * <p>Committed with {@link Database#writeUnsynced}: it follows every answered operation, and a prune a crash of
     * the machine undoes only leaves rows the next prune deletes, so it need not pay a sync of its own (even a prune
     * that deletes nothing committed one).
     *
     * @return how many rows went
     */
    @Override
    public int prune(Instant finishedBefore, int keep) {
        Objects.requireNonNull(finishedBefore, "finishedBefore");
        requireKeep(keep);
        return db.writeUnsynced("prune operations", c -> prune(c, finishedBefore, keep));
    }

    private static void requireKeep(int keep) {
        if (keep < 0) {
            throw new IllegalArgumentException("keep must not be negative (was " + keep + ")");
        }
    }

    /** The prune's deletes, inside the caller's transaction. */
    private static int prune(Connection c, Instant finishedBefore, int keep) throws SQLException {
        int deleted;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM operations WHERE finished_at < ?")) {
            ps.setLong(1, finishedBefore.toEpochMilli());
            deleted = ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                DELETE FROM operations WHERE id IN (
                    SELECT id FROM operations WHERE finished_at IS NOT NULL
                    ORDER BY finished_at DESC LIMIT -1 OFFSET ?)""")) {
            ps.setInt(1, keep);
            deleted += ps.executeUpdate();
        }
        return deleted;
    }

    /** How many operations the table holds, pending or answered. */
    public int count() {
        return db.read("count operations", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM operations"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    private static Void upsert(Connection c, OperationRecord r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            ps.setString(1, r.id());
            ps.setString(2, r.serverId().toString());
            ps.setString(3, r.action());
            ps.setString(4, r.status().wireName());
            ps.setLong(5, r.createdAt().toEpochMilli());
            if (r.finishedAt() == null) {
                ps.setNull(6, Types.INTEGER);
            } else {
                ps.setLong(6, r.finishedAt().toEpochMilli());
            }
            ps.setString(7, r.state());
            ps.setString(8, r.supersededBy());
            ps.setString(9, r.reason());
            ps.setString(10, r.kind().wireName());
            ps.setString(11, r.path());
            OperationProgress p = r.progress();
            ps.setString(12, p == null ? null : p.stage());
            setLong(ps, 13, p == null ? null : p.bytesDone());
            setLong(ps, 14, p == null ? null : p.bytesTotal());
            setLong(ps, 15, p == null ? null : p.filesDone());
            setLong(ps, 16, p == null ? null : p.filesTotal());
            setLong(ps, 17, p == null ? null : p.bytesPerSecond());
            ps.setString(18, r.backupId() == null ? null : r.backupId().toString());
            setLong(ps, 19, r.problem() == null ? null : (long) r.problem().status());
            ps.setString(20, r.problem() == null ? null : r.problem().type());
            ps.executeUpdate();
        }
        return null;
    }

    private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setLong(index, value);
        }
    }

    private static OperationRecord row(ResultSet rs) throws SQLException {
        long finished = rs.getLong(6);
        Instant finishedAt = rs.wasNull() ? null : Instant.ofEpochMilli(finished);
        long bytesDone = rs.getLong(13);
        OperationProgress progress = rs.wasNull() ? null : new OperationProgress(rs.getString(12) == null ? "" : rs.getString(12),
                bytesDone, rs.getLong(14), rs.getLong(15), rs.getLong(16), rs.getLong(17));
        String backupId = rs.getString(18);
        int problemStatus = rs.getInt(19);
        OperationProblem problem = rs.wasNull() ? null : new OperationProblem(problemStatus, rs.getString(20));
        return new OperationRecord(rs.getString(1), UUID.fromString(rs.getString(2)), OperationKind.parse(rs.getString(10)),
                rs.getString(3), OperationStatus.parse(rs.getString(4)), Instant.ofEpochMilli(rs.getLong(5)), finishedAt,
                rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(11), progress, problem,
                backupId == null ? null : UUID.fromString(backupId));
    }
}
