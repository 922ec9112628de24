package dev.raptor.store;

import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.StoredServer;
import dev.raptor.store.row.SpecFormat;
import dev.raptor.store.row.SpecRows;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The {@code servers} table: rows to {@link StoredServer}s and back. The spec is kept in the store's own
 * form ({@link SpecRows}), in the format its {@code spec_format} column names.
 */
final class ServerRows {
    static final String COLUMNS = "id, spec, spec_format, version, desired, created_at, updated_at";

    private ServerRows() {
    }

    static StoredServer read(ResultSet rs) throws SQLException {
        return read(rs, spec(rs.getString("id"), rs.getString("spec"), rs.getInt("spec_format")));
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
    static ServerSpec spec(String id, String text, int format) {
        try {
            return SpecRows.read(text, SpecFormat.of(format));
        } catch (IllegalArgumentException e) {
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

    /** Every server's name by id, oldest first: what the name rule ({@link dev.raptor.core.server.ServerNames}) checks. */
    static Map<UUID, String> names(Connection c) throws SQLException {
        Map<UUID, String> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, name FROM servers ORDER BY created_at, rowid");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(UUID.fromString(rs.getString(1)), rs.getString(2));
            }
        }
        return out;
    }

    static String insert(Connection c, StoredServer s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO servers (name, spec, spec_format, version, desired, created_at, updated_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            String spec = bind(ps, s);
            ps.executeUpdate();
            return spec;
        }
    }

    /** Overwrites every column of an existing row; returns the spec's stored text. */
    static String replace(Connection c, StoredServer s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE servers SET name = ?, spec = ?, spec_format = ?, version = ?, desired = ?, created_at = ?, updated_at = ? WHERE id = ?")) {
            String spec = bind(ps, s);
            ps.executeUpdate();
            return spec;
        }
    }

    /** @return the spec's stored text (in {@link SpecFormat#CURRENT}) */
    private static String bind(PreparedStatement ps, StoredServer s) throws SQLException {
        String spec = SpecRows.write(s.spec());
        ps.setString(1, s.spec().name());
        ps.setString(2, spec);
        ps.setInt(3, SpecFormat.CURRENT.number());
        ps.setLong(4, s.version());
        ps.setString(5, s.desired().wireName());
        ps.setLong(6, s.createdAt().toEpochMilli());
        ps.setLong(7, s.updatedAt().toEpochMilli());
        ps.setString(8, s.id().toString());
        return spec;
    }
}
