package dev.raptor.store;

import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.StoredServer;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.store.json.Json;
import dev.raptor.store.json.ServerSpecJson;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/** The {@code servers} table: rows to {@link StoredServer}s and back. */
final class ServerRows {
    static final String COLUMNS = "id, spec, version, desired, created_at, updated_at";

    private ServerRows() {
    }

    static StoredServer read(ResultSet rs) throws SQLException {
        return read(rs, spec(rs.getString("id"), rs.getString("spec")));
    }

    /** The row's server with {@code spec} (already decoded from the row's {@code spec} column). */
    static StoredServer read(ResultSet rs, ServerSpec spec) throws SQLException {
        return new StoredServer(spec, rs.getLong("version"), DesiredState.parse(rs.getString("desired")),
                Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("updated_at")));
    }

    /**
     * Decodes (and so validates) a stored spec.
     *
     * @throws StoreException when this Raptor cannot read it
     */
    static ServerSpec spec(String id, String json) {
        try {
            return ServerSpecJson.decode(Json.parse(json));
        } catch (InvalidSpecException e) {
            throw new StoreException("server " + id + " has a stored spec this Raptor cannot read (" + e.getMessage()
                    + "); export it from the Raptor that wrote it");
        }
    }

    static Optional<StoredServer> find(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM servers WHERE id = ?")) {
            ps.setString(1, id.toString());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    static OptionalLong version(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM servers WHERE id = ?")) {
            ps.setString(1, id.toString());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    static void insert(Connection c, StoredServer s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO servers (name, spec, version, desired, created_at, updated_at, id) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            bind(ps, s);
            ps.executeUpdate();
        }
    }

    /** Overwrites every column of an existing row. */
    static void replace(Connection c, StoredServer s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE servers SET name = ?, spec = ?, version = ?, desired = ?, created_at = ?, updated_at = ? WHERE id = ?")) {
            bind(ps, s);
            ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, StoredServer s) throws SQLException {
        ps.setString(1, s.spec().name());
        ps.setString(2, Json.write(ServerSpecJson.encode(s.spec())));
        ps.setLong(3, s.version());
        ps.setString(4, s.desired().wireName());
        ps.setLong(5, s.createdAt().toEpochMilli());
        ps.setLong(6, s.updatedAt().toEpochMilli());
        ps.setString(7, s.id().toString());
    }
}
