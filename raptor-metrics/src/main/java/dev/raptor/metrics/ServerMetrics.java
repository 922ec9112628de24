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
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.server.StoredServer;
import dev.raptor.core.stats.ServerStats;
import dev.raptor.core.stats.StatsHub;
import dev.raptor.core.stats.BackgroundSampling;
import dev.raptor.query.GameStatusListener;
import dev.raptor.query.GameStatusPoller;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToDoubleFunction;

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
 * the binder saw the server from the {@link BackupJournal}, once), players from the {@link GameStatusPoller}. Cardinality is bounded: a server's series exist while it does. They are
 * removed when it is deleted (and re-labelled when it is renamed); a sweep every
 * {@code syncEvery} catches a server whose event this binder missed.
 */
public final class ServerMetrics implements GameStatusListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerMetrics.class);
    private static final double MIB = 1024.0 * 1024.0;

    private final MeterRegistry registry;
    private final ServerFleet fleet;
    private final StatsHub stats;
    private final ConsoleCounts consoles;
    private final BackupJournal backups;
    private final Map<UUID, Tracked> servers = new ConcurrentHashMap<>();
    private final EventBus.Listener<ServerEvent> events;
    private final Duration syncEvery;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Thread sweeper;
    private volatile boolean closed;

    /** One server's meters and the facts they read. */
    private final class Tracked {
        final UUID id;
        final String name;
        final Tags tags;
        final List<Meter> meters = new CopyOnWriteArrayList<>();
        final List<Meter> gameMeters = new CopyOnWriteArrayList<>();
        final AtomicReference<QueryResult> game;
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
            this.tags = Tags.of("server", id.toString(), "name", name);
            this.crashes = renamedFrom == null ? new AtomicLong() : renamedFrom.crashes;
            this.oomKills = renamedFrom == null ? new AtomicLong() : renamedFrom.oomKills;
            this.restarts = renamedFrom == null ? new AtomicLong() : renamedFrom.restarts;
            this.game = renamedFrom == null ? new AtomicReference<>() : renamedFrom.game;
            this.lastBackup = renamedFrom == null ? new AtomicReference<>() : renamedFrom.lastBackup;
        }

        /** From the hub's freshest reading, read at scrape time (zeros while it has none, e.g. offline). */
        double fromStats(ToDoubleFunction<ServerStats> f) {
            return f.applyAsDouble(stats.latest(id));
        }
    }

    /** Without a backup journal: a server's last backup age counts the backups completed since this binder saw it. */
    public ServerMetrics(MeterRegistry registry, ServerFleet fleet, EventBus bus, StatsHub stats, ConsoleCounts consoles,
                         GameStatusPoller poller, Duration syncEvery) {
        this(registry, fleet, bus, stats, consoles, poller, null, syncEvery);
    }

    /**
     * @param consoles  the console hub's line counts; null without consoles
     * @param poller    where players come from; null on a node that queries no game
     * @param backups   where a server's last backup before this binder saw it is found; null: only backups completed
     *                  since count
     * @param syncEvery how often the tracked servers are compared with the fleet
     */
    public ServerMetrics(MeterRegistry registry, ServerFleet fleet, EventBus bus, StatsHub stats, ConsoleCounts consoles,
                         GameStatusPoller poller, BackupJournal backups, Duration syncEvery) {
        this.registry = registry;
        this.backups = backups;
        this.consoles = consoles;
        this.fleet = fleet;
        this.stats = stats;
        this.syncEvery = syncEvery;
        // only the few events it counts: frequent ones (activity, messages) must not crowd them out of its queue
        this.events = bus.subscribe(ServerEvent.class, e -> e instanceof ServerEvent.Crashed || e instanceof ServerEvent.Deleted
                || e instanceof ServerEvent.Created || e instanceof ServerEvent.Updated || completedBackup(e),
                EventBus.DEFAULT_CAPACITY, this::onEvent);
        if (poller != null) {
            poller.addListener(this);
        }
    }

    /** Tracks every server the fleet has now, and keeps following it. */
    public ServerMetrics start() {
        sync();
        sweeper = Thread.ofVirtual().name("server-metrics-sync").start(() -> {
            while (!closed) {
                try {
                    Thread.sleep(syncEvery);
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    sync();
                } catch (RuntimeException e) {
                    log.warn("server metrics: sync failed: {}", e.toString());
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

    /** Registers the server's series, or re-labels them when its name changed. */
    private void track(StoredServer stored) {
        UUID id = stored.id();
        String name = stored.spec().name() == null ? "" : stored.spec().name();
        Tracked known = servers.get(id);
        if (known != null && known.name.equals(name)) {
            return;
        }
        Instant lastBackup = known == null ? lastBackupInJournal(id) : null;
        QueryResult game;
        lock.lock(); // memory only: meter registration and a stats subscription's bookkeeping
        try {
            Tracked before = servers.get(id);
            if (closed || before != null && before.name.equals(name)) {
                return;
            }
            Tracked t = new Tracked(id, name, before);
            t.lastBackup.accumulateAndGet(lastBackup, ServerMetrics::later);
            if (before != null) {
                removeMeters(before);
                t.sampling = before.sampling;
            }
            servers.put(id, t);
            register(t);
            if (t.sampling == null) {
                try {
                    t.sampling = stats.sampleInBackground(id);
                } catch (IllegalStateException e) {
                    log.debug("server={} no stats for metrics: {}", id, e.getMessage());
                }
            }
            game = t.game.get();
        } finally {
            lock.unlock();
        }
        if (game != null) {
            result(id, game);
        }
    }

    private void register(Tracked t) {
        UUID id = t.id;
        for (ServerState s : ServerState.values()) {
            t.meters.add(Gauge.builder("raptor.server.state", fleet, f -> f.find(id).map(x -> x.state() == s ? 1 : 0).orElse(0))
                    .description("1 for the server's observed state").tags(t.tags).tag("state", s.wireName()).register(registry));
        }
        for (DesiredState d : DesiredState.values()) {
            t.meters.add(Gauge.builder("raptor.server.desired.state", fleet,
                            f -> f.find(id).map(x -> x.live().desired() == d ? 1 : 0).orElse(0))
                    .description("1 for the server's desired state").tags(t.tags).tag("desired", d.wireName()).register(registry));
        }
        t.meters.add(Gauge.builder("raptor.server.uptime", fleet, f -> f.find(id)
                        .filter(x -> x.state() != ServerState.OFFLINE && x.live().startedAt() != null)
                        .map(x -> Math.max(0, Duration.between(x.live().startedAt(), Instant.now()).toMillis() / 1000.0)).orElse(0.0))
                .description("Time since the current run started; 0 while offline").baseUnit("seconds").tags(t.tags).register(registry));
        t.meters.add(Gauge.builder("raptor.server.cpu.usage", t, x -> x.fromStats(s -> s.cpuAbsolute() / 100.0))
                .description("CPU in use, in cores (1.5 = one and a half cores busy)").baseUnit("cores").tags(t.tags).register(registry));
        t.meters.add(Gauge.builder("raptor.server.memory.usage", t, x -> x.fromStats(ServerStats::memoryBytes))
                .description("Memory in use").baseUnit("bytes").tags(t.tags).register(registry));
        t.meters.add(Gauge.builder("raptor.server.memory.limit", t, this::memoryLimit)
                .description("The memory limit (the machine's memory when the spec sets none)").baseUnit("bytes").tags(t.tags)
                .register(registry));
        t.meters.add(FunctionCounter.builder("raptor.server.network.received", t, x -> x.fromStats(ServerStats::rxBytes))
                .description("Network bytes received by the current run").baseUnit("bytes").tags(t.tags).register(registry));
        t.meters.add(FunctionCounter.builder("raptor.server.network.transmitted", t, x -> x.fromStats(ServerStats::txBytes))
                .description("Network bytes sent by the current run").baseUnit("bytes").tags(t.tags).register(registry));
        t.meters.add(Gauge.builder("raptor.server.disk.usage", t, x -> x.fromStats(ServerStats::diskBytes))
                .description("Size of the server's data directory as last measured").baseUnit("bytes").tags(t.tags).register(registry));
        t.meters.add(Gauge.builder("raptor.server.disk.limit", fleet, f -> f.find(id)
                        .map(x -> x.stored().spec().limits().diskMiB() * MIB).filter(v -> v > 0).orElse(Double.NaN))
                .description("The disk quota of the server's data directory; NaN when it has none").baseUnit("bytes").tags(t.tags)
                .register(registry));
        t.meters.add(Gauge.builder("raptor.server.processes", t, x -> x.fromStats(ServerStats::pids))
                .description("Processes and threads of the server").tags(t.tags).register(registry));
        t.meters.add(FunctionCounter.builder("raptor.server.crashes", t.crashes, AtomicLong::get)
                .description("Exits while the server was meant to run").tags(t.tags).register(registry));
        t.meters.add(FunctionCounter.builder("raptor.server.oom.kills", t.oomKills, AtomicLong::get)
                .description("Crashes the kernel's OOM killer caused").tags(t.tags).register(registry));
        t.meters.add(FunctionCounter.builder("raptor.server.restarts", t.restarts, AtomicLong::get)
                .description("Automatic restarts after a crash (the restart policy)").tags(t.tags).register(registry));
        t.meters.add(Gauge.builder("raptor.server.last.backup.age", t, ServerMetrics::lastBackupAge)
                .description("Time since the server's last backup completed; NaN before its first").baseUnit("seconds")
                .tags(t.tags).register(registry));
        if (consoles != null) {
            t.meters.add(FunctionCounter.builder("raptor.server.console.lines", consoles, c -> c.lines(id))
                    .description("Console lines that reached the node while the console was watched").tags(t.tags).register(registry));
            t.meters.add(FunctionCounter.builder("raptor.server.console.dropped.lines", consoles, c -> c.dropped(id))
                    .description("Console lines subscribers lost to their bounded queues").tags(t.tags).register(registry));
        }
    }

    private static double lastBackupAge(Tracked t) {
        Instant at = t.lastBackup.get();
        return at == null ? Double.NaN : Math.max(0, Duration.between(at, Instant.now()).toMillis() / 1000.0);
    }

    private double memoryLimit(Tracked t) {
        return fleet.find(t.id).map(x -> x.stored().spec().limits().memoryMiB() * MIB).filter(v -> v > 0)
                .orElseGet(() -> t.fromStats(ServerStats::memoryLimitBytes));
    }

    private void untrack(UUID id) {
        Tracked t;
        lock.lock();
        try {
            t = servers.remove(id);
            if (t == null) {
                return;
            }
            removeMeters(t);
        } finally {
            lock.unlock();
        }
        BackgroundSampling s = t.sampling;
        if (s != null) {
            s.close();
        }
    }

    private void removeMeters(Tracked t) {
        for (Meter m : t.meters) {
            registry.remove(m);
        }
        t.meters.clear();
        removeGameMeters(t);
    }

    private void removeGameMeters(Tracked t) {
        for (Meter m : t.gameMeters) {
            registry.remove(m);
        }
        t.gameMeters.clear();
        t.gameVersion.set(null);
    }

    // ------------------------------------------------------------------ game status (GameStatusListener)

    @Override
    public void result(UUID serverId, QueryResult result) {
        lock.lock();
        try {
            Tracked t = servers.get(serverId);
            if (t == null || closed) {
                return;
            }
            t.game.set(result);
            if (t.gameMeters.isEmpty()) {
                t.gameMeters.add(Gauge.builder("raptor.server.players.online", t, x -> players(x, true))
                        .description("Players online, as the game's query protocol last said; NaN before it answered")
                        .tags(t.tags).register(registry));
                t.gameMeters.add(Gauge.builder("raptor.server.players.max", t, x -> players(x, false))
                        .description("Player slots, as the game's query protocol last said").tags(t.tags).register(registry));
                t.gameMeters.add(Gauge.builder("raptor.server.game.query.up", t,
                                x -> x.game.get() instanceof QueryResult.Answered ? 1 : 0)
                        .description("1 when the server answered its last status query").tags(t.tags).register(registry));
            }
            String version = result.lastAnswer().map(GameStatus::version).orElse(null);
            if (version != null && !version.equals(t.gameVersion.get())) {
                t.gameVersion.set(version);
                t.gameMeters.removeIf(m -> {
                    if (m.getId().getName().equals("raptor.server.game.info")) {
                        registry.remove(m);
                        return true;
                    }
                    return false;
                });
                t.gameMeters.add(Gauge.builder("raptor.server.game.info", () -> 1)
                        .description("The game's version as the server names it (value 1)").tags(t.tags).tag("version", version)
                        .register(registry));
            }
        } finally {
            lock.unlock();
        }
    }

    private static double players(Tracked t, boolean online) {
        QueryResult r = t.game.get();
        GameStatus s = r == null ? null : r.lastAnswer().orElse(null);
        if (s == null) {
            return Double.NaN;
        }
        return online ? s.playersOnline() : s.playersMax() < 0 ? Double.NaN : s.playersMax();
    }

    @Override
    public void forgotten(UUID serverId) {
        lock.lock();
        try {
            Tracked t = servers.get(serverId);
            if (t != null) {
                t.game.set(null);
                removeGameMeters(t);
            }
        } finally {
            lock.unlock();
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
        for (UUID id : Set.copyOf(servers.keySet())) {
            untrack(id);
        }
    }
}
