package dev.raptor.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;

/** Told which rows of a {@linkplain Database#watch watched} table a committed write changed. */
@FunctionalInterface
public interface RowChangeListener {
    /**
     * Runs right after the commit, on the writer connection (no transaction open) and under the write
     * lock: no other write can start until it returns, so it can read the rows as committed. A
     * rolled-back write never calls it. A failure is logged and does not undo the commit.
     *
     * @param rowids the rowids inserted, updated or deleted, possibly including some a failed
     *               statement touched before its own rollback: read them, don't trust them
     */
    void committed(Connection writer, Set<Long> rowids) throws SQLException;
}
