package dev.raptor.core.watch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The watched servers of one hub (console or stats): at most one {@link ServerWatch} per server, made for
 * its first subscriber and forgotten when its last one leaves, when the server is deleted or when the hub
 * closes. This is the bookkeeping both hubs share, so a hub says only what its watch does.
 *
 * <p>Subscribing never blocks on the engine, and races with the last subscriber leaving are settled by the
 * watch: a watch whose last subscriber has left takes nobody new, and subscribing makes a fresh one.
 *
 * @param <W> the watches
 * @param <S> their subscriptions
 */
public final class WatchRegistry<W extends ServerWatch<S, ?>, S extends WatchSubscription> {
    /** How long {@link #close} waits for pumps and listeners before interrupting the listeners still stuck. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(1);

    private final String what;
    private final Function<UUID, W> newWatch;
    private final Map<UUID, W> watches = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param what     the hub's name for errors, e.g. "console hub"
     * @param newWatch makes the watch of a server (not started)
     */
    public WatchRegistry(String what, Function<UUID, W> newWatch) {
        this.what = what;
        this.newWatch = newWatch;
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

    /**
     * The server was deleted: its watch ends and its subscribers hear {@link WatchListener.EndReason#SERVER_DELETED}.
     *
     * @return whether it was watched
     */
    public boolean serverDeleted(UUID serverId) {
        W w = watches.remove(serverId);
        if (w != null) {
            w.end(WatchListener.EndReason.SERVER_DELETED);
        }
        return w != null;
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
     * Ends every watch and subscriber ({@link WatchListener.EndReason#HUB_CLOSED}) and waits, at most about a
     * second, for their threads; a listener still stuck in a write after that is interrupted.
     */
    public void close() {
        closed = true;
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
    }
}
