package dev.raptor.store.install;

import dev.raptor.core.install.InstallJournal;
import dev.raptor.core.install.InstallRecord;
import dev.raptor.core.install.InstallScript;
import dev.raptor.core.install.InstallStatus;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.store.sqlite.Database;

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

/** Servers' install scripts and the outcome of their last install ({@code server_installs}, schema 8). Thread-safe. */
public final class Installs implements InstallJournal {
    private static final String COLUMNS = "server_id, template_id, image, entrypoint, script, status, reason, started_at, finished_at";

    private final Database db;

    public Installs(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    @Override
    public void define(UUID serverId, String templateId, InstallScript script) {
        db.write("define the install script of server " + serverId, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO server_installs (server_id, template_id, image, entrypoint, script)"
                    + " SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM servers WHERE id = ?)"
                    + " ON CONFLICT (server_id) DO UPDATE SET template_id = excluded.template_id, image = excluded.image,"
                    + " entrypoint = excluded.entrypoint, script = excluded.script")) {
                ps.setString(1, serverId.toString());
                ps.setString(2, templateId);
                ps.setString(3, script.image());
                ps.setString(4, script.entrypoint());
                ps.setString(5, script.script());
                ps.setString(6, serverId.toString());
                if (ps.executeUpdate() == 0) {
                    throw new ServerNotFoundException(serverId);
                }
            }
            return null;
        });
    }

    @Override
    public Optional<InstallRecord> find(UUID serverId) {
        return db.read("read the install of server " + serverId, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM server_installs WHERE server_id = ?")) {
                ps.setString(1, serverId.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(record(rs)) : Optional.<InstallRecord>empty();
                }
            }
        });
    }

    @Override
    public List<InstallRecord> list() {
        return db.read("list installs", c -> {
            List<InstallRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM server_installs ORDER BY server_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(record(rs));
                }
            }
            return out;
        });
    }

    @Override
    public void started(UUID serverId, Instant at) {
        update(serverId, InstallStatus.INSTALLING, null, at, null);
    }

    @Override
    public void finished(UUID serverId, InstallStatus status, String reason, Instant at) {
        update(serverId, status, reason, null, at);
    }

    private void update(UUID serverId, InstallStatus status, String reason, Instant startedAt, Instant finishedAt) {
        db.write("record the install of server " + serverId, c -> {
            try (PreparedStatement ps = c.prepareStatement(startedAt != null
                    ? "UPDATE server_installs SET status = ?, reason = ?, started_at = ?, finished_at = NULL WHERE server_id = ?"
                    : "UPDATE server_installs SET status = ?, reason = ?, finished_at = ? WHERE server_id = ?")) {
                ps.setString(1, status.wireName());
                if (reason == null) {
                    ps.setNull(2, Types.VARCHAR);
                } else {
                    ps.setString(2, reason);
                }
                ps.setLong(3, (startedAt != null ? startedAt : finishedAt).toEpochMilli());
                ps.setString(4, serverId.toString());
                ps.executeUpdate(); // a server deleted meanwhile has no row: nothing to record
            }
            return null;
        });
    }

    private static InstallRecord record(ResultSet rs) throws SQLException {
        String status = rs.getString("status");
        long started = rs.getLong("started_at");
        boolean hasStarted = !rs.wasNull();
        long finished = rs.getLong("finished_at");
        boolean hasFinished = !rs.wasNull();
        return new InstallRecord(UUID.fromString(rs.getString("server_id")), rs.getString("template_id"),
                new InstallScript(rs.getString("image"), rs.getString("entrypoint"), rs.getString("script")),
                status == null ? null : InstallStatus.parse(status), rs.getString("reason"),
                hasStarted ? Instant.ofEpochMilli(started) : null, hasFinished ? Instant.ofEpochMilli(finished) : null);
    }
}
