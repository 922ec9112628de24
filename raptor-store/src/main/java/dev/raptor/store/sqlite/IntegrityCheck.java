package dev.raptor.store.sqlite;

import dev.raptor.store.StoreCorruptedException;
import dev.raptor.store.StoreException;
import org.sqlite.SQLiteConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** SQLite's own consistency checks, as a list of problems (empty when the database is sound). */
public final class IntegrityCheck {

    private IntegrityCheck() {
    }

    /** {@code PRAGMA quick_check}: structure and page usage, without comparing indexes to tables. Linear time. */
    public static List<String> quick(Connection c) throws SQLException {
        return run(c, "PRAGMA quick_check");
    }

    /** {@code PRAGMA integrity_check}: everything quick_check does, plus index contents. */
    public static List<String> full(Connection c) throws SQLException {
        return run(c, "PRAGMA integrity_check");
    }

    /**
     * Opens {@code file} read-only (a standalone database such as a snapshot, not the live one) and
     * runs the full check.
     *
     * @return the file's schema version ({@code PRAGMA user_version})
     * @throws StoreCorruptedException when the file is damaged or not a database
     */
    public static int verifyFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new StoreException("database " + file + " does not exist or is not a file");
        }
        try {
            if (Files.size(file) == 0) {
                throw new StoreCorruptedException(file, "the file is empty", null);
            }
        } catch (java.io.IOException e) {
            throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection c = config.createConnection("jdbc:sqlite:" + file)) {
            List<String> problems = full(c);
            if (!problems.isEmpty()) {
                throw new StoreCorruptedException(file, summarize(problems), null);
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        } catch (SQLException e) {
            if (SqliteErrors.isCorruption(e)) {
                throw new StoreCorruptedException(file, SqliteErrors.describe(e), e);
            }
            throw new StoreException("cannot check " + file + ": " + SqliteErrors.describe(e), e);
        }
    }

    /** The first problem and how many more there are, for a one-line message. */
    public static String summarize(List<String> problems) {
        String first = problems.getFirst();
        return problems.size() == 1 ? first : first + " (and " + (problems.size() - 1) + " more problems)";
    }

    private static List<String> run(Connection c, String pragma) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(pragma)) {
            while (rs.next()) {
                String line = rs.getString(1);
                if (!"ok".equals(line)) {
                    problems.add(line);
                }
            }
        }
        return problems;
    }
}
