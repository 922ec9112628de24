package dev.raptor.store.sqlite;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Explicit transaction statements. Connections stay in JDBC auto-commit mode and the store says
 * {@code BEGIN IMMEDIATE}/{@code COMMIT} itself, so no transaction is ever left open between writes
 * (the driver's auto-commit-off mode would begin the next one eagerly and hold the write lock).
 */
public final class Transactions {
    private static final Logger log = LoggerFactory.getLogger(Transactions.class);

    private Transactions() {
    }

    public static void beginImmediate(Connection c) throws SQLException {
        exec(c, "BEGIN IMMEDIATE");
    }

    public static void commit(Connection c) throws SQLException {
        exec(c, "COMMIT");
    }

    /** Rolls back if a transaction is open; a failure here is logged, since the original error matters more. */
    public static void rollbackQuietly(Connection c) {
        try {
            exec(c, "ROLLBACK");
        } catch (SQLException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            if (!message.contains("no transaction is active")) {
                log.atWarn().addKeyValue("error", message).log("rollback failed");
            }
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
