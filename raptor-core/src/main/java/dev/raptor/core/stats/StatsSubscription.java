package dev.raptor.core.stats;

import dev.raptor.core.watch.WatchSubscription;

/**
 * One subscriber of a server's resource readings: a virtual thread that hands each newly published
 * {@link ServerStats} to the listener. It keeps no queue: a reading published while the listener is
 * still busy with the previous one simply replaces it.
 */
public final class StatsSubscription extends WatchSubscription {
    private final ServerStatsFeed feed;
    private final StatsListener listener;

    StatsSubscription(ServerStatsFeed feed, StatsListener listener) {
        super(feed, listener, "stats");
        this.feed = feed;
        this.listener = listener;
    }

    @Override
    protected void deliverUntilClosed() throws InterruptedException {
        long seen = 0;
        ServerStatsFeed.Reading next;
        while ((next = feed.awaitNewer(this, seen)) != null) {
            seen = next.version();
            ServerStats stats = next.stats();
            call(() -> listener.stats(stats));
        }
    }
}
