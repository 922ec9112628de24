package dev.raptor.store.sqlite;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * A few read-only connections, opened on demand and reused. In WAL mode a reader sees the last
 * committed state and never waits for the writer, so reads go here rather than through the writer's
 * lock. At most {@code size} reads run at once; more wait for a free connection, never for a write.
 */
final class ReadPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReadPool.class);

    /** Opens one reader connection. */
    @FunctionalInterface
    interface Opener {
        Connection open() throws SQLException;
    }

    private final Opener opener;
    private final Semaphore permits;
    private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    ReadPool(int size, Opener opener) {
        if (size < 1) {
            throw new IllegalArgumentException("a read pool needs at least one connection");
        }
        this.opener = opener;
        this.permits = new Semaphore(size, true);
    }

    Connection borrow() throws SQLException {
        permits.acquireUninterruptibly();
        try {
            if (closed) {
                throw new IllegalStateException("the store is closed");
            }
            Connection c = idle.poll();
            return c != null ? c : opener.open();
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    void release(Connection c) {
        try {
            if (closed) {
                closeQuietly(c);
            } else {
                idle.offer(c);
                if (closed) {
                    drain();
                }
            }
        } finally {
            permits.release();
        }
    }

    @Override
    public void close() {
        closed = true;
        drain();
    }

    private void drain() {
        Connection c;
        while ((c = idle.poll()) != null) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            log.atWarn().addKeyValue("error", e.getMessage()).log("closing a read connection failed");
        }
    }
}
