package dev.raptor.store;

import dev.raptor.store.sftp.PasswordCost;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of a {@link SqliteStore}; {@link #defaults()} suits production.
 *
 * @param snapshotRetention  how many snapshots to keep (the newest), at least 1
 * @param passwordCost       Argon2id cost of new SFTP password hashes (tests lower it for speed; existing
 *                           hashes keep the parameters they were made with)
 * @param readConnections    size of the read-only connection pool
 * @param busyTimeout        how long SQLite waits for a lock held by another connection
 * @param clock              source of timestamps (created/updated, activity, snapshot names)
 */
public record StoreOptions(int snapshotRetention, PasswordCost passwordCost, int readConnections, Duration busyTimeout,
                           Clock clock) {

    public static final int DEFAULT_SNAPSHOT_RETENTION = 10;
    public static final int DEFAULT_READ_CONNECTIONS = 4;
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);

    public StoreOptions {
        if (snapshotRetention < 1) {
            throw new IllegalArgumentException("snapshotRetention must be at least 1 (was " + snapshotRetention + ")");
        }
        Objects.requireNonNull(passwordCost, "passwordCost");
        if (readConnections < 1) {
            throw new IllegalArgumentException("readConnections must be at least 1 (was " + readConnections + ")");
        }
        Objects.requireNonNull(busyTimeout, "busyTimeout");
        Objects.requireNonNull(clock, "clock");
    }

    /** 10 snapshots, Argon2id at {@link PasswordCost#DEFAULT}, 4 readers, 5 s busy timeout, UTC clock. */
    public static StoreOptions defaults() {
        return new StoreOptions(DEFAULT_SNAPSHOT_RETENTION, PasswordCost.DEFAULT, DEFAULT_READ_CONNECTIONS,
                DEFAULT_BUSY_TIMEOUT, Clock.systemUTC());
    }

    public StoreOptions withSnapshotRetention(int n) {
        return new StoreOptions(n, passwordCost, readConnections, busyTimeout, clock);
    }

    public StoreOptions withPasswordCost(PasswordCost c) {
        return new StoreOptions(snapshotRetention, c, readConnections, busyTimeout, clock);
    }

    public StoreOptions withReadConnections(int n) {
        return new StoreOptions(snapshotRetention, passwordCost, n, busyTimeout, clock);
    }

    public StoreOptions withBusyTimeout(Duration d) {
        return new StoreOptions(snapshotRetention, passwordCost, readConnections, d, clock);
    }

    public StoreOptions withClock(Clock c) {
        return new StoreOptions(snapshotRetention, passwordCost, readConnections, busyTimeout, c);
    }
}
