package dev.raptor.bench.scenario;

import dev.raptor.bench.Bench;
import dev.raptor.bench.Result;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.store.SqliteStore;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Durable intents per second: {@link SqliteStore#setDesiredState} (one committed, synced transaction
 * each, {@code synchronous=FULL}) from 1, 8 and 64 concurrent writers, each on its own server. The
 * reference is the floor the disk and SQLite give: a bare single-row UPDATE per transaction over JDBC
 * with the same journal settings, from one writer, measured in the same run on the same file system.
 */
public final class IntentsScenario implements Scenario {
    @Override
    public String name() {
        return "intents";
    }

    @Override
    public String description() {
        return "durable setDesiredState/s with 1, 8, 64 writers vs a bare SQLite UPDATE (--seconds=5)";
    }

    @Override
    public List<Result> run(Bench bench) throws Exception {
        Duration each = Duration.ofSeconds(bench.intOption("seconds", 5));
        double reference = bareSqlite(bench.work().resolve("bare.db"), each);
        System.out.printf(Locale.ROOT, "intents: bare SQLite UPDATE, 1 writer: %.0f/s%n", reference);
        List<Result> out = new ArrayList<>();
        try (SqliteStore store = SqliteStore.open(bench.work().resolve("intents"))) {
            List<UUID> servers = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                ServerSpec spec = ServerSpec.builder(bench.image()).name("intents-" + i).env("BOOT_DELAY", "0").build();
                store.create(spec);
                servers.add(spec.id());
            }
            for (int writers : new int[]{1, 8, 64}) {
                double rate = storeRate(store, servers.subList(0, writers), each);
                System.out.printf(Locale.ROOT, "intents: SqliteStore.setDesiredState, %d writer(s): %.0f/s%n", writers, rate);
                out.add(new Result(name(), "durable intents/s, " + writers + " writer" + (writers > 1 ? "s" : "") + " (synchronous=FULL)",
                        String.format(Locale.ROOT, "%.0f/s", rate), String.format(Locale.ROOT, "%.0f/s (bare UPDATE, 1 writer)", reference),
                        Result.ratio(rate, reference), ">= 2000/s", Result.verdict(rate >= 2000)));
            }
        }
        return out;
    }

    private static double storeRate(SqliteStore store, List<UUID> servers, Duration limit) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(servers.size());
        long t0 = System.nanoTime();
        for (UUID id : servers) {
            Thread.ofVirtual().start(() -> {
                try {
                    boolean up = false;
                    while (!stop.get()) {
                        store.setDesiredState(id, up ? DesiredState.RUNNING : DesiredState.STOPPED);
                        up = !up;
                        done.incrementAndGet();
                    }
                } finally {
                    finished.countDown();
                }
            });
        }
        Thread.sleep(limit);
        stop.set(true);
        long n = done.get();
        long elapsed = System.nanoTime() - t0;
        if (!finished.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("store writers did not finish within 30 s of being told to stop");
        }
        return n / (elapsed / 1e9);
    }

    /** One writer, one row, one UPDATE per committed transaction: WAL, synchronous=FULL, like the store. */
    private static double bareSqlite(Path file, Duration limit) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
                s.execute("INSERT INTO t VALUES (1, 'stopped')");
            }
            long n = 0;
            long t0 = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement("UPDATE t SET v = ? WHERE id = 1")) {
                while (System.nanoTime() - t0 < limit.toNanos()) {
                    ps.setString(1, (n & 1) == 0 ? "running" : "stopped");
                    ps.executeUpdate();
                    n++;
                }
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        }
    }
}
