package dev.raptor.core.watch;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The watched servers of one hub (console or stats): at most one {@link ServerWatch} per server, made for
 * its first subscriber and forgotten when its last one leaves, when the server is deleted or when the hub
 * closes. This is the bookkeeping both hubs share, so a hub says only what its watch does.
 *
 * <p>Subscribing never blocks on the engine, and races with the last subscriber leaving are settled by the
 * watch: a watch whose last subscriber has left takes nobody new, and subscribing makes a fresh one.
 *
 * <p>It also routes the controllers' news from the event bus: a deleted server's watch ends (its subscribers
 * hear {@link WatchListener.EndReason#SERVER_DELETED}), and the events a hub cares about reach the watched
 * server's watch ({@link ServerWatch#onServerEvent}).
 *
 * @param <W> the watches
 * @param <S> their subscriptions
 */
public final class WatchRegistry<W extends ServerWatch<S, ?>, S extends WatchSubscription> {
    private static final Logger log = LoggerFactory.getLogger(WatchRegistry.class);
    /** How long {@link #close} waits for pumps and listeners before interrupting the listeners still stuck. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(1);

    private final String what;
    private final Function<UUID, W> newWatch;
    private final Consumer<UUID> deleted;
    private final Map<UUID, W> watches = new ConcurrentHashMap<>();
    private final EventBus.Listener<ServerEvent> events;
    private volatile boolean closed;

    /**
     * @param what     the hub's name for errors, e.g. "console hub"
     * @param newWatch makes the watch of a server (not started)
     * @param routed   the events, besides deletions, that watches hear
     * @param deleted  told of every deleted server, watched or not (the hub forgets what it keeps about it)
     */
    public WatchRegistry(String what, Function<UUID, W> newWatch, EventBus bus, Predicate<ServerEvent> routed,
                         Consumer<UUID> deleted) {
        this.what = what;
        this.newWatch = newWatch;
        this.deleted = deleted;
        this.events = bus.subscribe(ServerEvent.class, e -> e instanceof ServerEvent.Deleted || routed.test(e),
                EventBus.DEFAULT_CAPACITY, this::onEvent);
    }

    private void onEvent(ServerEvent event) {
        if (event instanceof ServerEvent.Deleted d) {
            deleted.accept(d.serverId());
            W w = watches.remove(d.serverId());
            if (w != null) {
                log.debug("server={} deleted; ending its {} watch", d.serverId(), what);
                w.end(WatchListener.EndReason.SERVER_DELETED);
            }
            return;
        }
        W w = watches.get(event.serverId());
        if (w != null) {
            w.onServerEvent(event);
        }
    }

    /**
     * Adds a subscriber to the server's watch (making and starting the watch for the first one) and starts
     * its delivery thread.
     *
     * @param attach adds the subscription to the watch it is given ({@link ServerWatch#add}); null when that
     *               watch is ending
     * @throws IllegalStateException when the hub is closed
     */
    public S subscribe(UUID serverId, Function<W, S> attach) {
        while (true) {
            if (closed) {
                throw new IllegalStateException("the " + what + " is closed");
            }
            W watch = watches.computeIfAbsent(serverId, id -> {
                W w = newWatch.apply(id);
                w.heldBy(this);
                return w;
            });
            S sub = attach.apply(watch);
            if (sub == null) {
                watches.remove(serverId, watch); // it is ending (its last subscriber left, or deletion): make a new one
                continue;
            }
            watch.start();
            sub.start();
            if (closed) {
                sub.close();
                throw new IllegalStateException("the " + what + " is closed");
            }
            return sub;
        }
    }

    /** The server's watch while it has subscribers; null otherwise. */
    public W watch(UUID serverId) {
        return watches.get(serverId);
    }

    /** A watch whose last subscriber left; it ends itself. */
    void forget(ServerWatch<?, ?> watch) {
        watches.remove(watch.serverId(), watch);
    }

    // ------------------------------------------------------------------ counters (tests prove nothing leaks)

    /** Subscribers over all servers. */
    public int subscriberCount() {
        int n = 0;
        for (W w : watches.values()) {
            n += w.subscriberCount();
        }
        return n;
    }

    public int subscriberCount(UUID serverId) {
        W w = watches.get(serverId);
        return w == null ? 0 : w.subscriberCount();
    }

    /** The server's current subscriptions. */
    public List<S> subscriptions(UUID serverId) {
        W w = watches.get(serverId);
        return w == null ? List.of() : w.subscribers();
    }

    /** Servers with at least one subscriber. */
    public int watchedServers() {
        return watches.size();
    }

    /**
     * Stops routing events, ends every watch and subscriber ({@link WatchListener.EndReason#HUB_CLOSED}) and
     * waits, at most about a second, for their threads; a listener still stuck in a write after that is
     * interrupted.
     */
    public void close() {
        closed = true;
        events.close();
        List<W> ended = new ArrayList<>();
        List<S> subs = new ArrayList<>();
        for (UUID id : List.copyOf(watches.keySet())) {
            W w = watches.remove(id);
            if (w != null) {
                subs.addAll(w.subscribers());
                w.end(WatchListener.EndReason.HUB_CLOSED);
                ended.add(w);
            }
        }
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        try {
            for (W w : ended) {
                w.awaitTermination(left(deadline));
            }
            for (S s : subs) {
                if (!s.awaitTermination(left(deadline))) {
                    s.interrupt();
                }
            }
            events.awaitTermination(CLOSE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
    }
}
