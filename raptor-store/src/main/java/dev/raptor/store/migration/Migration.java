package dev.raptor.store.migration;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One step of the schema: the SQL resource {@code db/migration/V<version>__<description>.sql}, applied
 * in its own transaction, and optionally a {@link RowStep} that rewrites rows in Java after the script,
 * in the same transaction (for a change of a column's format, which SQL cannot express). The script is
 * a list of statements each ending with {@code ;} at the end of a line; lines starting with {@code --}
 * are comments (scripts hold no triggers, so this is enough).
 *
 * @param version     the schema version the database has after this step (1, 2, ...)
 * @param description what the step does, from the file name
 * @param resource    class-path resource of the script
 * @param rows        what to do with the rows after the script; null for none
 */
public record Migration(int version, String description, String resource, RowStep rows) {

    /** Rewrites rows inside a migration's transaction; returns how many it changed. */
    @FunctionalInterface
    public interface RowStep {
        int apply(Connection connection) throws SQLException;
    }

    private static final Pattern FILE_NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");

    /** The migration for a file name under {@code db/migration/}. */
    public static Migration fromFileName(String fileName) {
        Matcher m = FILE_NAME.matcher(fileName);
        if (!m.matches()) {
            throw new IllegalArgumentException("migration file names look like V3__add_things.sql, not " + fileName);
        }
        return new Migration(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '), "db/migration/" + fileName, null);
    }

    /** This step, with {@code step} run on the rows after its script. */
    public Migration withRows(RowStep step) {
        return new Migration(version, description, resource, step);
    }

    /** The script's statements, in order, without comments. */
    public List<String> statements() {
        String script;
        try (InputStream in = Migration.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("migration script " + resource + " is missing from the class path");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read migration script " + resource, e);
        }
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\\R")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";") || stripTrailingComment(trimmed).endsWith(";")) {
                statements.add(current.toString().strip());
                current.setLength(0);
            }
        }
        if (!current.isEmpty()) {
            statements.add(current.toString().strip());
        }
        return List.copyOf(statements);
    }

    private static String stripTrailingComment(String line) {
        int comment = line.indexOf("--");
        return comment < 0 ? line : line.substring(0, comment).strip();
    }
}
