package dev.raptor.store.sqlite;

import java.sql.ResultSet;
import java.sql.Statement;

/** What a reader sees of a table: the database tests' way to check what a write committed. */
final class TableRows {
    private TableRows() {
    }

    /** The rows of {@code table} the last commit left, as a reader connection sees them. */
    static int count(Database db, String table) {
        return db.read("count " + table, c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }
}
