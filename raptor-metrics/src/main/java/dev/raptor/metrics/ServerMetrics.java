package dev.raptor.metrics;

import dev.raptor.core.backup.BackupJournal;
import dev.raptor.core.backup.BackupRecord;
import dev.raptor.core.backup.BackupStatus;
import dev.raptor.core.console.ConsoleCounts;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.query.GameStatus;
import dev.raptor.core.query.QueryResult;
import dev.raptor.core.server.StoredServer;
import dev.raptor.core.stats.BackgroundSampling;
import dev.raptor.core.stats.StatsHub;
import dev.raptor.query.GameStatusListener;
import dev.raptor.query.GameStatusPoller;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-server series, labelled {@code server} (the id) and {@code name}: observed and desired state,
 * uptime, CPU, memory and its limit, network, disk and its limit, processes, restarts, crashes, OOM
 * kills, console lines and lines dropped, the age of the last backup, and, for servers whose spec names a query
 * protocol, players online and slots.
 *
 * <p>Facts come from where Raptor already has them: state from the fleet's in-memory view, readings from the
 * {@link StatsHub} at scrape time ({@link StatsHub#latest}: a watched server's live reading, about once a second,
 * else the hub's background reading of it, every {@link dev.raptor.core.stats.StatsSettings#sampleEvery()}; no
 * stream, thread or engine connection per running server), crashes and completed backups from the {@link EventBus} (the last backup before
 * the binder saw the server from the {@link BackupJournal}, once), players from the {@link GameStatusPoller}.
 *
 * <p>No meter per server: one collector ({@link ServerSeries}) writes every tracked server's series at scrape time,
 * under the names and labels Micrometer would give them. Thirty-odd Micrometer meters per server (ids, gauges, their
 * lambdas) were most of a 2,000-server node's heap of metrics and most of the boot's metric set-up. Cardinality is
 * bounded: a server's series exist while it is tracked. It is untracked when it is deleted (and its series re-labelled
 * when it is renamed); a sweep every {@code syncEvery} catches a server whose event this binder missed. The first
 * sweep runs on the sweeper's thread, not the caller's: a booting daemon does not wait for every server's backup
 * journal read.
 */
public final class ServerMetrics implements GameStatusListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerMetrics.class);

    private final ServerFleet fleet;
    private final StatsHub stats;
    private final BackupJournal backups;
    private final Map<UUID, Tracked> servers = new ConcurrentHashMap<>();
    private final PrometheusRegistry prometheus;
    private final ServerSeries series;
    private final EventBus.Listener<ServerEvent> events;
    private final Duration syncEvery;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Thread sweeper;
    private volatile boolean closed;

    /** One server's labels and the facts its series read that are not in the fleet or the stats hub. */
    static final class Tracked {
        final UUID id;
        final String name;
        final AtomicReference<QueryResult> game;
        /** The game's version as last answered; null before an answer named one (and after the poller forgot it). */
        final AtomicReference<String> gameVersion = new AtomicReference<>();
        final AtomicLong crashes;
        final AtomicLong oomKills;
        final AtomicLong restarts;
        /** When the server's newest backup completed; null before its first. */
        final AtomicReference<Instant> lastBackup;
        /** Keeps the server read in the background while it runs; shared with the old labels' record on a rename. */
        volatile BackgroundSampling sampling;

        Tracked(UUID id, String name, Tracked renamedFrom) {
            this.id = id;
            this.name = name;
            this.crashes = renamedFrom == null ? new AtomicLong() : renamedFrom.crashes;
            this.oomKills = renamedFrom == null ? new AtomicLong() : renamedFrom.oomKills;
            this.restarts = renamedFrom == null ? new AtomicLong() : renamedFrom.restarts;
            this.game = renamedFrom == null ? new AtomicReference<>() : renamedFrom.game;
            this.lastBackup = renamedFrom == null ? new AtomicReference<>() : renamedFrom.lastBackup;
            if (renamedFrom != null) {
                this.gameVersion.set(renamedFrom.gameVersion.get());
            }
        }
    }

    /** Without a backup journal: a server's last backup age counts the backups completed since this binder saw it. */
    public ServerMetrics(MeterRegistry registry, ServerFleet fleet, EventBus bus, StatsHub stats, ConsoleCounts consoles,
                         GameStatusPoller poller, Duration syncEvery) {
        this(registry, fleet, bus, stats, consoles, poller, null, syncEvery);
    }

    /**
     * @param registry  the node's registry; its series are written by a collector of the Prometheus registry under it
     * @param consoles  the console hub's line counts; null without consoles
     * @param poller    where players come from; null on a node that queries no game
     * @param backups   where a server's last backup before this binder saw it is found; null: only backups completed
     *                  since count
     * @param syncEvery how often the tracked servers are compared with the fleet
     * @throws IllegalArgumentException when {@code registry} is not a Prometheus registry ({@link RaptorMetrics#registry()})
     */
    public ServerMetrics(MeterRegistry registry, ServerFleet fleet, EventBus bus, StatsHub stats, ConsoleCounts consoles,
                         GameStatusPoller poller, BackupJournal backups, Duration syncEvery) {
        if (!(registry instanceof PrometheusMeterRegistry p)) {
            throw new IllegalArgumentException("server metrics need the node's Prometheus registry, not "
                    + registry.getClass().getSimpleName());
        }
        this.backups = backups;
        this.fleet = fleet;
        this.stats = stats;
        this.syncEvery = syncEvery;
        this.series = new ServerSeries(servers.values(), fleet, stats, consoles);
        this.prometheus = p.getPrometheusRegistry();
        prometheus.register(series);
        // only the few events it counts: frequent ones (activity, messages) must not crowd them out of its queue
        this.events = bus.subscribe(ServerEvent.class, e -> e instanceof ServerEvent.Crashed || e instanceof ServerEvent.Deleted
                || e instanceof ServerEvent.Created || e instanceof ServerEvent.Updated || completedBackup(e),
                EventBus.DEFAULT_CAPACITY, this::onEvent);
        if (poller != null) {
            poller.addListener(this);
        }
    }

    /**
     * Follows every server the fleet has, on a thread of its own: it tracks them all at once, then compares every
     * {@code syncEvery}. Returns at once; a server's series appear when its first sweep reaches it (or its event).
     */
    public ServerMetrics start() {
        sweeper = Thread.ofVirtual().name("server-metrics-sync").start(() -> {
            while (!closed) {
                try {
                    sync();
                } catch (RuntimeException e) {
                    log.warn("server metrics: sync failed: {}", e.toString());
                }
                try {
                    Thread.sleep(syncEvery);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return this;
    }
    /** Servers with series right now (for tests proving deleted servers leave none). */
    public Set<UUID> tracked() {
        return Set.copyOf(servers.keySet());
    }

    /** Adds servers the fleet has and this binder does not, removes the reverse, follows renames. */
    public void sync() {
        Set<UUID> present = new HashSet<>();
        for (ServerFleet.ServerSnapshot s : fleet.list()) {
            present.add(s.id());
            track(s.stored());
        }
        for (UUID id : Set.copyOf(servers.keySet())) {
            if (!present.contains(id)) {
                untrack(id);
            }
        }
    }

    private void onEvent(ServerEvent event) {
        if (closed) {
            return;
        }
        switch (event) {
            case ServerEvent.Crashed c -> {
                Tracked t = servers.get(c.serverId());
                if (t != null) {
                    t.crashes.incrementAndGet();
                    if (c.oomKilled()) {
                        t.oomKills.incrementAndGet();
                    }
                    if (c.willRestart()) {
                        t.restarts.incrementAndGet();
                    }
                }
            }
            case ServerEvent.BackupChanged b when completedBackup(b) -> {
                Tracked t = servers.get(b.serverId());
                if (t != null) {
                    t.lastBackup.accumulateAndGet(b.backup().finishedAt(), ServerMetrics::later);
                }
            }
            case ServerEvent.Deleted d -> untrack(d.serverId());
            case ServerEvent.Created c -> fleet.find(c.serverId()).ifPresent(s -> track(s.stored()));
            case ServerEvent.Updated u -> fleet.find(u.serverId()).ifPresent(s -> track(s.stored()));
            default -> {
            }
        }
    }

    /** A backup of a server's files that completed (made or imported; not a restore): it sets the last backup's age. */
    private static boolean completedBackup(ServerEvent e) {
        return e instanceof ServerEvent.BackupChanged b && ("backup".equals(b.operation()) || "import".equals(b.operation()))
                && "completed".equals(b.phase())
                && b.backup() != null && b.backup().finishedAt() != null;
    }

    private static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    /** When the server's newest completed backup in the journal completed (a store read: never under the lock). */
    private Instant lastBackupInJournal(UUID id) {
        if (backups == null) {
            return null;
        }
        try {
            return backups.list(id).stream().filter(b -> b.status() == BackupStatus.COMPLETED).map(BackupRecord::finishedAt)
                    .max(Instant::compareTo).orElse(null);
        } catch (RuntimeException e) {
            log.debug("server={} no backups for metrics: {}", id, e.toString());
            return null;
        }
    }

    /** Tracks the server (its series appear at the next scrape), or re-labels it when its name changed. */
    private void track(StoredServer stored) {
        UUID id = stored.id();
        String name = stored.spec().name() == null ? "" : stored.spec().name();
        Tracked known = servers.get(id);
        if (known != null && known.name.equals(name)) {
            return;
        }
        Instant lastBackup = known == null ? lastBackupInJournal(id) : null;
        lock.lock(); // memory only: the map and a stats subscription's bookkeeping
        try {
            Tracked before = servers.get(id);
            if (closed || before != null && before.name.equals(name)) {
                return;
            }
            Tracked t = new Tracked(id, name, before);
            t.lastBackup.accumulateAndGet(lastBackup, ServerMetrics::later);
            t.sampling = before == null ? null : before.sampling;
            if (t.sampling == null) {
                try {
                    t.sampling = stats.sampleInBackground(id);
                } catch (IllegalStateException e) {
                    log.debug("server={} no stats for metrics: {}", id, e.getMessage());
                }
            }
            servers.put(id, t);
        } finally {
            lock.unlock();
        }
    }

    private void untrack(UUID id) {
        Tracked t;
        lock.lock();
        try {
            t = servers.remove(id);
            if (t == null) {
                return;
            }
        } finally {
            lock.unlock();
        }
        BackgroundSampling s = t.sampling;
        if (s != null) {
            s.close();
        }
    }

    // ------------------------------------------------------------------ game status (GameStatusListener)

    @Override
    public void result(UUID serverId, QueryResult result) {
        Tracked t = servers.get(serverId);
        if (t == null || closed) {
            return;
        }
        t.game.set(result);
        String version = result.lastAnswer().map(GameStatus::version).orElse(null);
        if (version != null) {
            t.gameVersion.set(version);
        }
    }

    @Override
    public void forgotten(UUID serverId) {
        Tracked t = servers.get(serverId);
        if (t != null) {
            t.game.set(null);
            t.gameVersion.set(null);
        }
    }

    @Override
    public void close() {
        closed = true;
        events.close();
        Thread s = sweeper;
        if (s != null) {
            s.interrupt();
        }
        prometheus.unregister(series);
        for (UUID id : Set.copyOf(servers.keySet())) {
            untrack(id);
        }
    }
}
