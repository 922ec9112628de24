package dev.raptor.store.sqlite;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads SQLite's result codes out of the driver's exceptions. */
public final class SqliteErrors {
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_NOTADB = 26;
    private static final Pattern DRIVER_MESSAGE = Pattern.compile("\\[SQLITE_\\w+] [^(]*\\((.+)\\)");

    private SqliteErrors() {
    }

    /** Whether the error says the file is damaged or is not a database at all. */
    public static boolean isCorruption(SQLException e) {
        int primary = e.getErrorCode() & 0xff;
        if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
            return true;
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        return message.contains("SQLITE_CORRUPT") || message.contains("SQLITE_NOTADB");
    }

    /**
     * SQLite's own words for the error, on one line: the driver's {@code [SQLITE_CORRUPT] The database
     * disk image is malformed (database disk image is malformed)} becomes {@code database disk image is malformed}.
     */
    public static String describe(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        message = message.replaceAll("\\s+", " ").strip();
        Matcher m = DRIVER_MESSAGE.matcher(message);
        return m.matches() ? m.group(1) : message;
    }
}
