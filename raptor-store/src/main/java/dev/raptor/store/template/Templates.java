package dev.raptor.store.template;

import dev.raptor.core.template.Template;
import dev.raptor.core.template.TemplateCatalog;
import dev.raptor.core.template.TemplateExistsException;
import dev.raptor.core.template.TemplateNotFoundException;
import dev.raptor.store.row.RowJson;
import dev.raptor.store.row.TemplateRow;
import dev.raptor.store.sqlite.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The node's templates ({@code templates}, schema 8), each kept whole as a {@link TemplateRow}. Templates are
 * few and read rarely (an import, a server creation), so every read goes to the database. Thread-safe.
 */
public final class Templates implements TemplateCatalog {
    private final Database db;

    public Templates(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    @Override
    public Template save(Template template, boolean replace) {
        String document = RowJson.write(TemplateRow.of(template));
        db.write("save template " + template.id(), c -> {
            if (!replace && exists(c, template.id())) {
                throw new TemplateExistsException(template.id());
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO templates (id, name, document, imported_at) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (id) DO UPDATE SET name = excluded.name, document = excluded.document, imported_at = excluded.imported_at")) {
                ps.setString(1, template.id());
                ps.setString(2, template.name());
                ps.setString(3, document);
                ps.setLong(4, template.importedAt().toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
        return template;
    }

    @Override
    public Optional<Template> find(String id) {
        return db.read("read template " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT document FROM templates WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(template(rs.getString(1))) : Optional.<Template>empty();
                }
            }
        });
    }

    @Override
    public List<Template> list() {
        return db.read("list templates", c -> {
            List<Template> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT document FROM templates ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(template(rs.getString(1)));
                }
            }
            return out;
        });
    }

    @Override
    public void delete(String id) {
        db.write("delete template " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM templates WHERE id = ?")) {
                ps.setString(1, id);
                if (ps.executeUpdate() == 0) {
                    throw new TemplateNotFoundException(id);
                }
            }
            return null;
        });
    }

    private static boolean exists(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM templates WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Template template(String document) {
        return RowJson.read(document, TemplateRow.class).toTemplate();
    }
}
