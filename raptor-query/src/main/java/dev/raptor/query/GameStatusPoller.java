package dev.raptor.query;

import dev.raptor.core.query.GameStatus;
import dev.raptor.core.query.GameStatuses;
import dev.raptor.core.query.QueryResult;
import dev.raptor.core.runtime.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Asks every server that names a query protocol for its players, version and MOTD, once per
 * {@link PollerSettings#interval()}, and keeps each one's latest {@link QueryResult}.
 *
 * <p>It never touches a server controller: it reads the targets from a supplier (running servers whose
 * spec names a query), runs each query on a virtual thread of its own, at most
 * {@link PollerSettings#concurrency()} at once, each bounded by {@link PollerSettings#timeout()}. A
 * server whose previous query is still in flight is skipped, not queued, so a hanging server costs one
 * thread at most; a query still running at twice its timeout is interrupted (which closes its socket).
 * Servers that stop being targets are forgotten, and listeners hear it.
 */
public final class GameStatusPoller implements GameStatuses, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GameStatusPoller.class);

    private final Supplier<? extends Collection<QueryTarget>> targets;
    private final Function<QueryTarget, GameStatusClient> clients;
    private final PollerSettings settings;
    private final Semaphore permits;
    private final Map<UUID, QueryResult> latest = new ConcurrentHashMap<>();
    private final Map<UUID, InFlight> inFlight = new ConcurrentHashMap<>();
    private final List<GameStatusListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile Thread loop;
    private volatile boolean closed;

    private record InFlight(Thread thread, long startedNanos) {
    }

    public GameStatusPoller(Supplier<? extends Collection<QueryTarget>> targets, PollerSettings settings) {
        this(targets, t -> GameStatusClient.of(t.query()), settings);
    }

    /** @param clients the client for each target (tests may count or wrap them) */
    public GameStatusPoller(Supplier<? extends Collection<QueryTarget>> targets, Function<QueryTarget, GameStatusClient> clients,
                            PollerSettings settings) {
        this.targets = targets;
        this.clients = clients;
        this.settings = settings;
        this.permits = new Semaphore(settings.concurrency());
    }

    public PollerSettings settings() {
        return settings;
    }

    public void addListener(GameStatusListener listener) {
        listeners.add(listener);
    }

    /** Starts polling; the first round runs at once. */
    public GameStatusPoller start() {
        if (started.compareAndSet(false, true) && !closed) {
            loop = Thread.ofVirtual().name("game-status-poller").start(this::run);
        }
        return this;
    }

    /** What the server said last, or why it did not; empty when it was never asked (or was forgotten). */
    @Override
    public Optional<QueryResult> latest(UUID serverId) {
        return Optional.ofNullable(latest.get(serverId));
    }

    /** Every known server's latest result. */
    public Map<UUID, QueryResult> latest() {
        return Map.copyOf(latest);
    }

    /** Queries running right now (for tests that prove nothing leaks). */
    public int inFlight() {
        return inFlight.size();
    }

    private void run() {
        while (!closed) {
            try {
                round();
            } catch (RuntimeException e) {
                log.warn("game status poll round failed: {}", e.toString());
            }
            try {
                Thread.sleep(settings.interval());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One round: forget servers no longer asked, interrupt overdue queries, start one query per idle target. */
    void round() {
        Collection<QueryTarget> now = targets.get();
        Set<UUID> ids = new HashSet<>();
        for (QueryTarget t : now) {
            ids.add(t.serverId());
        }
        for (UUID id : Set.copyOf(latest.keySet())) {
            if (!ids.contains(id) && latest.remove(id) != null) {
                forgotten(id);
            }
        }
        long overdue = settings.timeout().multipliedBy(2).toNanos();
        for (Map.Entry<UUID, InFlight> e : inFlight.entrySet()) {
            if (System.nanoTime() - e.getValue().startedNanos() > overdue) {
                e.getValue().thread().interrupt();
            }
        }
        for (QueryTarget t : now) {
            if (closed) {
                return;
            }
            if (inFlight.containsKey(t.serverId())) {
                continue;
            }
            Thread th = Thread.ofVirtual().name("game-status-" + t.serverId()).unstarted(() -> queryOne(t));
            if (inFlight.putIfAbsent(t.serverId(), new InFlight(th, System.nanoTime())) == null) {
                th.start();
            }
        }
    }

    private void queryOne(QueryTarget target) {
        UUID id = target.serverId();
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            inFlight.remove(id);
            return;
        }
        QueryResult result;
        try {
            GameStatus status = clients.apply(target).query(target.address(), Deadline.in(settings.timeout()));
            result = new QueryResult.Answered(status);
        } catch (IOException | RuntimeException e) {
            if (closed) {
                return;
            }
            QueryResult before = latest.get(id);
            result = new QueryResult.Unanswered(Instant.now(), reason(target, e), before == null ? null : before.lastAnswer().orElse(null));
            log.debug("server={} game status query ({}) at {} failed: {}", id, target.query().protocol().wireName(), target.address(),
                    e.toString());
        } finally {
            permits.release();
            inFlight.remove(id);
        }
        if (closed || !stillTarget(id)) {
            return;
        }
        latest.put(id, result);
        for (GameStatusListener l : listeners) {
            try {
                l.result(id, result);
            } catch (RuntimeException e) {
                log.warn("server={} game status listener failed: {}", id, e.toString());
            }
        }
    }

    private boolean stillTarget(UUID id) {
        for (QueryTarget t : targets.get()) {
            if (t.serverId().equals(id)) {
                return true;
            }
        }
        return false;
    }

    private void forgotten(UUID id) {
        for (GameStatusListener l : listeners) {
            try {
                l.forgotten(id);
            } catch (RuntimeException e) {
                log.warn("server={} game status listener failed: {}", id, e.toString());
            }
        }
    }

    private String reason(QueryTarget target, Exception e) {
        String what = target.query().protocol().wireName() + " query to " + target.address().getHostString() + ":" + target.address().getPort();
        return switch (e) {
            case SocketTimeoutException t -> what + ": no answer within " + settings.timeout().toMillis() + " ms";
            case ConnectException c -> what + ": connection refused";
            case QueryException q -> what + ": not the protocol: " + q.getMessage();
            default -> what + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
        };
    }

    /** Stops polling and interrupts queries in flight. */
    @Override
    public void close() {
        closed = true;
        Thread l = loop;
        if (l != null) {
            l.interrupt();
        }
        for (InFlight f : inFlight.values()) {
            f.thread().interrupt();
        }
    }
}
