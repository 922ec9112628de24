package dev.raptor.store.migration;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One step of the schema: the SQL resource {@code db/migration/V<version>__<description>.sql}, applied
 * in its own transaction. The script is a list of statements each ending with {@code ;} at the end of
 * a line; lines starting with {@code --} are comments (scripts hold no triggers, so this is enough).
 *
 * @param version     the schema version the database has after this step (1, 2, ...)
 * @param description what the step does, from the file name
 * @param resource    class-path resource of the script
 */
public record Migration(int version, String description, String resource) {

    private static final Pattern FILE_NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");

    /** The migration for a file name under {@code db/migration/}. */
    public static Migration fromFileName(String fileName) {
        Matcher m = FILE_NAME.matcher(fileName);
        if (!m.matches()) {
            throw new IllegalArgumentException("migration file names look like V3__add_things.sql, not " + fileName);
        }
        return new Migration(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '), "db/migration/" + fileName);
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
