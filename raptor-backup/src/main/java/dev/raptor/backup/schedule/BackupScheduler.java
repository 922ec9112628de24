package dev.raptor.backup.schedule;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Starts scheduled backups. One thread only keeps time: when a server's schedule is due it hands the backup to
 * {@code runner} and computes the next time, so a slow or stuck backup never delays another server's, nor the
 * scheduler. A server whose previous scheduled backup still runs skips that turn (logged), rather than piling up.
 */
public final class BackupScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackupScheduler.class);
    private static final Duration MAX_SLEEP = Duration.ofSeconds(30);

    private record Entry(BackupSchedule schedule, Instant next, AtomicBoolean running) {
    }

    private final Clock clock;
    private final ZoneId zone;
    private final Executor runner;
    private final Consumer<UUID> backup;
    private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile boolean closed;
    private Thread thread;

    /**
     * @param backup what a due schedule does (the backup service, with the server's target); runs on {@code runner}
     */
    public BackupScheduler(Clock clock, ZoneId zone, Executor runner, Consumer<UUID> backup) {
        this.clock = clock;
        this.zone = zone;
        this.runner = runner;
        this.backup = backup;
    }

    /**
     * Sets (or replaces) a server's schedule, counting from now.
     *
     * @throws IllegalArgumentException when the expression is not a schedule
     */
    public void schedule(UUID serverId, String expression) {
        schedule(serverId, BackupSchedule.parse(expression, zone), null);
    }

    /**
     * Sets (or replaces) a server's schedule, counting from {@code since}, the server's last backup: its next time is
     * the first after {@code since}, or now when that has passed already (a daemon that was down at 04:00, or restarts
     * more often than an {@code @every} interval, still backs up once). Null {@code since}: counting from now.
     * Replacing a schedule with an equal one keeps its next time.
     */
    public void schedule(UUID serverId, BackupSchedule s, Instant since) {
        Instant now = clock.instant();
        Entry before = entries.get(serverId);
        if (before != null && before.schedule().expression().equals(s.expression())) {
            return;
        }
        Optional<Instant> next = s.next(since == null ? now : since).map(n -> n.isBefore(now) ? now : n);
        AtomicBoolean running = Optional.ofNullable(before).map(Entry::running).orElseGet(AtomicBoolean::new);
        if (next.isEmpty()) {
            entries.remove(serverId);
            log.atWarn().addKeyValue("server", serverId).addKeyValue("schedule", s).log("a backup schedule that never comes was ignored");
            return;
        }
        entries.put(serverId, new Entry(s, next.get(), running));
        log.atInfo().addKeyValue("server", serverId).addKeyValue("schedule", s).addKeyValue("next", next.get())
                .log("backups scheduled");
        wake();
    }

    /** The zone cron expressions are read in. */
    public ZoneId zone() {
        return zone;
    }

    public void unschedule(UUID serverId) {
        if (entries.remove(serverId) != null) {
            log.atInfo().addKeyValue("server", serverId).log("backups no longer scheduled");
        }
        wake();
    }

    /** Servers with a schedule now. */
    public java.util.Set<UUID> scheduled() {
        return java.util.Set.copyOf(entries.keySet());
    }

    /** When the server's next scheduled backup starts. */
    public Optional<Instant> next(UUID serverId) {
        return Optional.ofNullable(entries.get(serverId)).map(Entry::next);
    }

    /**
     * Hands every backup due at {@code now} to the runner and moves its schedule on; returns the servers started.
     * Never waits for a backup.
     */
    public List<UUID> runDue(Instant now) {
        List<UUID> started = new ArrayList<>();
        for (Map.Entry<UUID, Entry> e : entries.entrySet()) {
            UUID id = e.getKey();
            Entry entry = e.getValue();
            if (entry.next().isAfter(now)) {
                continue;
            }
            Optional<Instant> next = entry.schedule().next(now);
            if (next.isPresent()) {
                entries.replace(id, entry, new Entry(entry.schedule(), next.get(), entry.running()));
            } else {
                entries.remove(id, entry);
            }
            if (!entry.running().compareAndSet(false, true)) {
                log.atWarn().addKeyValue("server", id).addKeyValue("schedule", entry.schedule())
                        .log("skipped a scheduled backup: the previous one is still running");
                continue;
            }
            try {
                runner.execute(() -> {
                    try {
                        backup.accept(id);
                    } catch (RuntimeException ex) {
                        log.atWarn().addKeyValue("server", id).log("a scheduled backup failed: " + ex);
                    } finally {
                        entry.running().set(false);
                    }
                });
                started.add(id);
            } catch (RuntimeException rejected) {
                entry.running().set(false);
                log.atWarn().addKeyValue("server", id).log("could not start a scheduled backup: " + rejected);
            }
        }
        return started;
    }

    /** Starts the time-keeping thread. */
    public void start() {
        lock.lock();
        try {
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("raptor-backup-scheduler").start(this::loop);
            }
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (!closed) {
            try {
                runDue(clock.instant());
                Instant now = clock.instant();
                Duration sleep = entries.values().stream().map(Entry::next).min(Instant::compareTo)
                        .map(n -> Duration.between(now, n)).filter(d -> d.compareTo(MAX_SLEEP) < 0).orElse(MAX_SLEEP);
                lock.lock();
                try {
                    if (!closed && !sleep.isNegative() && !sleep.isZero()) {
                        changed.await(sleep.toMillis() + 1, TimeUnit.MILLISECONDS);
                    }
                } finally {
                    lock.unlock();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.atWarn().log("the backup scheduler hit a problem and goes on: " + e);
            }
        }
    }

    private void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        wake();
        Thread t;
        lock.lock();
        try {
            t = thread;
        } finally {
            lock.unlock();
        }
        if (t != null) {
            t.interrupt();
        }
    }
}
