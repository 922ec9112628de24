package dev.raptor.core.stats;

import dev.raptor.core.runtime.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.UUID;

/**
 * One subscriber of a server's resource readings: a virtual thread that hands each newly published
 * {@link ServerStats} to the listener. It keeps no queue: a reading published while the listener is
 * still busy with the previous one simply replaces it.
 */
public final class StatsSubscription implements Subscription {
    private static final Logger log = LoggerFactory.getLogger(StatsSubscription.class);

    private final StatsHub hub;
    private final ServerStatsFeed feed;
    private final StatsListener listener;
    private volatile boolean open = true;
    private volatile StatsListener.EndReason endedBy;
    private final Thread thread;

    StatsSubscription(StatsHub hub, ServerStatsFeed feed, StatsListener listener) {
        this.hub = hub;
        this.feed = feed;
        this.listener = listener;
        this.thread = Thread.ofVirtual().name("stats-subscriber-" + feed.serverId()).unstarted(this::drain);
    }

    void start() {
        thread.start();
    }

    public UUID serverId() {
        return feed.serverId();
    }

    ServerStatsFeed feed() {
        return feed;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        if (stop()) {
            hub.unsubscribe(this);
        }
    }

    void endByHub(StatsListener.EndReason reason) {
        endedBy = reason;
        stop();
    }

    private boolean stop() {
        if (!open) {
            return false;
        }
        open = false;
        feed.lock.lock();
        try {
            feed.published.signalAll();
        } finally {
            feed.lock.unlock();
        }
        return true;
    }

    void interrupt() {
        thread.interrupt();
    }

    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return !thread.isAlive() || thread.join(timeout);
    }

    private void drain() {
        long seen = 0;
        try {
            while (true) {
                ServerStats next;
                feed.lock.lock();
                try {
                    while (open && (next = feed.newerThan(seen)) == null) {
                        feed.published.await();
                    }
                    if (!open) {
                        return;
                    }
                    next = feed.newerThan(seen);
                    seen = feed.version();
                } finally {
                    feed.lock.unlock();
                }
                try {
                    listener.stats(next);
                } catch (RuntimeException e) {
                    log.debug("server={} stats listener failed: {}", feed.serverId(), e.toString());
                }
            }
        } catch (InterruptedException e) {
            // ended
        } finally {
            StatsListener.EndReason reason = endedBy;
            if (reason != null) {
                try {
                    listener.ended(reason);
                } catch (RuntimeException e) {
                    log.debug("server={} stats listener failed on end: {}", feed.serverId(), e.toString());
                }
            }
        }
    }
}
