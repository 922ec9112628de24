package dev.raptor.store.backup;

import dev.raptor.core.backup.BackupJournal;
import dev.raptor.core.backup.BackupLocation;
import dev.raptor.core.backup.BackupRecord;
import dev.raptor.core.backup.BackupStatus;
import dev.raptor.store.sqlite.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code backups} table, the store's {@link BackupJournal}. A backup is recorded {@code running} before its archive is written (so a crash
 * leaves a row naming the half-written archive), then answered once: completed with its size and checksum, or
 * failed with the reason. Each write is one synced transaction; reads never wait for a write.
 */
public final class BackupRecords implements BackupJournal {
    private static final String COLUMNS = """
            id, server_id, name, created_at, finished_at, status, size_bytes, sha256, format, adapter, location, locked, reason""";

    private final Database db;

    public BackupRecords(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    /** Records a backup about to be written; returns once that is on disk. */
    @Override
    public void begin(BackupRecord running) {
        if (running.status() != BackupStatus.RUNNING) {
            throw new IllegalArgumentException("backup " + running.id() + " begins running, not " + running.status().wireName());
        }
        db.write("record backup " + running.id() + " of server " + running.serverId(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO backups (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bind(ps, running);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Records how a running backup ended (completed or failed). A backup that has already ended keeps its answer.
     *
     * @return whether the row was running (and is now answered)
     */
    @Override
    public boolean finish(BackupRecord ended) {
        if (ended.status() == BackupStatus.RUNNING) {
            throw new IllegalArgumentException("backup " + ended.id() + " is still running");
        }
        return db.write("record the outcome of backup " + ended.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE backups SET status = ?, finished_at = ?, size_bytes = ?, sha256 = ?, reason = ?
                    WHERE id = ? AND status = 'running'""")) {
                ps.setString(1, ended.status().wireName());
                ps.setLong(2, ended.finishedAt().toEpochMilli());
                if (ended.sizeBytes() < 0) {
                    ps.setNull(3, Types.INTEGER);
                } else {
                    ps.setLong(3, ended.sizeBytes());
                }
                ps.setString(4, ended.sha256());
                ps.setString(5, ended.reason());
                ps.setString(6, ended.id().toString());
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Optional<BackupRecord> find(UUID id) {
        return db.read("read backup " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM backups WHERE id = ?")) {
                ps.setString(1, id.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.empty();
                }
            }
        });
    }

    /** A server's backups, oldest first. */
    @Override
    public List<BackupRecord> list(UUID serverId) {
        return db.read("list the backups of server " + serverId, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM backups WHERE server_id = ? ORDER BY created_at, id")) {
                ps.setString(1, serverId.toString());
                return rows(ps);
            }
        });
    }

    /** Backups still running: at boot, those a previous run left half-written. */
    @Override
    public List<BackupRecord> running() {
        return db.read("list running backups", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM backups WHERE status = 'running' ORDER BY created_at, id")) {
                return rows(ps);
            }
        });
    }

    /** @return whether the backup exists (and now has that lock) */
    @Override
    public boolean setLocked(UUID id, boolean locked) {
        return db.write((locked ? "lock" : "unlock") + " backup " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE backups SET locked = ? WHERE id = ?")) {
                ps.setInt(1, locked ? 1 : 0);
                ps.setString(2, id.toString());
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** @return whether there was such a row */
    @Override
    public boolean delete(UUID id) {
        return db.write("delete backup " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM backups WHERE id = ?")) {
                ps.setString(1, id.toString());
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static List<BackupRecord> rows(PreparedStatement ps) throws SQLException {
        List<BackupRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        }
        return out;
    }

    private static void bind(PreparedStatement ps, BackupRecord r) throws SQLException {
        ps.setString(1, r.id().toString());
        ps.setString(2, r.serverId().toString());
        ps.setString(3, r.name());
        ps.setLong(4, r.createdAt().toEpochMilli());
        if (r.finishedAt() == null) {
            ps.setNull(5, Types.INTEGER);
        } else {
            ps.setLong(5, r.finishedAt().toEpochMilli());
        }
        ps.setString(6, r.status().wireName());
        if (r.sizeBytes() < 0) {
            ps.setNull(7, Types.INTEGER);
        } else {
            ps.setLong(7, r.sizeBytes());
        }
        ps.setString(8, r.sha256());
        ps.setString(9, r.format());
        ps.setString(10, r.location().adapter());
        ps.setString(11, r.location().key());
        ps.setInt(12, r.locked() ? 1 : 0);
        ps.setString(13, r.reason());
    }

    private static BackupRecord row(ResultSet rs) throws SQLException {
        long finished = rs.getLong(5);
        Instant finishedAt = rs.wasNull() ? null : Instant.ofEpochMilli(finished);
        long size = rs.getLong(7);
        if (rs.wasNull()) {
            size = -1;
        }
        return new BackupRecord(UUID.fromString(rs.getString(1)), UUID.fromString(rs.getString(2)), rs.getString(3),
                Instant.ofEpochMilli(rs.getLong(4)), finishedAt, BackupStatus.parse(rs.getString(6)), size, rs.getString(8),
                rs.getString(9), new BackupLocation(rs.getString(10), rs.getString(11)), rs.getInt(12) == 1, rs.getString(13));
    }
}
