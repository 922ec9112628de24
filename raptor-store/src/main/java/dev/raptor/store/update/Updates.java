package dev.raptor.store.update;

import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.update.UpdateJournal;
import dev.raptor.core.update.UpdateOutcome;
import dev.raptor.core.update.UpdateRecord;
import dev.raptor.core.update.UpdateSource;
import dev.raptor.store.sqlite.Database;

import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** Update sources, versions ({@code update_sources}) and histories ({@code update_history}), schema 9. Thread-safe. */
public final class Updates implements UpdateJournal {
    private static final String SOURCE = "manifest, check_seconds, auto, preserve, ready_seconds, max_backups";
    private static final String HISTORY = "id, server_id, from_version, to_version, started_at, finished_at, outcome, stage, backup_id, reason";

    private final Database db;

    public Updates(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    @Override
    public void saveSource(UUID serverId, UpdateSource s) {
        db.write("set the update source of server " + serverId, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO update_sources (server_id, " + SOURCE + ")"
                    + " SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM servers WHERE id = ?)"
                    + " ON CONFLICT (server_id) DO UPDATE SET manifest = excluded.manifest, check_seconds = excluded.check_seconds,"
                    + " auto = excluded.auto, preserve = excluded.preserve, ready_seconds = excluded.ready_seconds,"
                    + " max_backups = excluded.max_backups")) {
                ps.setString(1, serverId.toString());
                ps.setString(2, s.manifest().toString());
                ps.setLong(3, s.checkEvery().toSeconds());
                ps.setInt(4, s.auto() ? 1 : 0);
                ps.setString(5, String.join("\n", s.preserve()));
                ps.setLong(6, s.readyWithin().toSeconds());
                ps.setInt(7, s.maxBackups());
                ps.setString(8, serverId.toString());
                if (ps.executeUpdate() == 0) {
                    throw new ServerNotFoundException(serverId);
                }
            }
            return null;
        });
    }

    @Override
    public Optional<UpdateSource> source(UUID serverId) {
        return Optional.ofNullable(sources(serverId).get(serverId));
    }

    @Override
    public boolean removeSource(UUID serverId) {
        return db.write("remove the update source of server " + serverId, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE update_sources SET manifest = NULL WHERE server_id = ? AND manifest IS NOT NULL")) {
                ps.setString(1, serverId.toString());
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public Map<UUID, UpdateSource> sources() {
        return sources(null);
    }

    private Map<UUID, UpdateSource> sources(UUID only) {
        return db.read("read update sources", c -> {
            Map<UUID, UpdateSource> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT server_id, " + SOURCE + " FROM update_sources WHERE manifest IS NOT NULL"
                    + (only == null ? "" : " AND server_id = ?") + " ORDER BY server_id")) {
                if (only != null) {
                    ps.setString(1, only.toString());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String preserve = rs.getString("preserve");
                        out.put(UUID.fromString(rs.getString("server_id")), new UpdateSource(URI.create(rs.getString("manifest")),
                                Duration.ofSeconds(rs.getLong("check_seconds")), rs.getInt("auto") != 0,
                                preserve == null || preserve.isEmpty() ? List.of() : Arrays.asList(preserve.split("\n")),
                                Duration.ofSeconds(rs.getLong("ready_seconds")), rs.getInt("max_backups")));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public Optional<String> version(UUID serverId) {
        return db.read("read the version of server " + serverId, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT version FROM update_sources WHERE server_id = ?")) {
                ps.setString(1, serverId.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    @Override
    public void setVersion(UUID serverId, String version) {
        db.write("set the version of server " + serverId, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO update_sources (server_id, version)"
                    + " SELECT ?, ? WHERE EXISTS (SELECT 1 FROM servers WHERE id = ?)"
                    + " ON CONFLICT (server_id) DO UPDATE SET version = excluded.version")) {
                ps.setString(1, serverId.toString());
                text(ps, 2, version);
                ps.setString(3, serverId.toString());
                ps.executeUpdate(); // a server deleted meanwhile: nothing to keep
            }
            return null;
        });
    }

    @Override
    public void record(UpdateRecord u) {
        db.write("record update " + u.id() + " of server " + u.serverId(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO update_history (" + HISTORY + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (id) DO UPDATE SET finished_at = excluded.finished_at, outcome = excluded.outcome,"
                    + " stage = excluded.stage, backup_id = excluded.backup_id, reason = excluded.reason")) {
                ps.setString(1, u.id().toString());
                ps.setString(2, u.serverId().toString());
                text(ps, 3, u.from());
                ps.setString(4, u.to());
                ps.setLong(5, u.startedAt().toEpochMilli());
                if (u.finishedAt() == null) {
                    ps.setNull(6, Types.INTEGER);
                } else {
                    ps.setLong(6, u.finishedAt().toEpochMilli());
                }
                ps.setString(7, u.outcome().wireName());
                ps.setString(8, u.stage());
                text(ps, 9, u.backupId() == null ? null : u.backupId().toString());
                text(ps, 10, u.reason());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<UpdateRecord> history(UUID serverId) {
        return query("SELECT " + HISTORY + " FROM update_history WHERE server_id = ? ORDER BY started_at, rowid", serverId.toString());
    }

    @Override
    public List<UpdateRecord> running() {
        return query("SELECT " + HISTORY + " FROM update_history WHERE outcome = ? ORDER BY started_at", UpdateOutcome.RUNNING.wireName());
    }

    private List<UpdateRecord> query(String sql, String arg) {
        return db.read("read update history", c -> {
            List<UpdateRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, arg);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(record(rs));
                    }
                }
            }
            return out;
        });
    }

    private static UpdateRecord record(ResultSet rs) throws SQLException {
        long finished = rs.getLong("finished_at");
        boolean hasFinished = !rs.wasNull();
        String backup = rs.getString("backup_id");
        return new UpdateRecord(UUID.fromString(rs.getString("id")), UUID.fromString(rs.getString("server_id")),
                rs.getString("from_version"), rs.getString("to_version"), Instant.ofEpochMilli(rs.getLong("started_at")),
                hasFinished ? Instant.ofEpochMilli(finished) : null, UpdateOutcome.parse(rs.getString("outcome")), rs.getString("stage"),
                backup == null ? null : UUID.fromString(backup), rs.getString("reason"));
    }

    private static void text(PreparedStatement ps, int i, String v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.VARCHAR);
        } else {
            ps.setString(i, v);
        }
    }
}
