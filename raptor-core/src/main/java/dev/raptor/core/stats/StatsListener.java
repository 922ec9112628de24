package dev.raptor.core.stats;

import dev.raptor.core.watch.WatchListener;

/**
 * Receives one subscriber's resource readings, on that subscriber's own virtual thread. Latest-value
 * semantics: a listener that blocks misses intermediate readings, it never makes any queue grow.
 */
public interface StatsListener extends WatchListener {

    /** The latest reading; about once per {@link StatsSettings#publishEvery()} while it changes. */
    void stats(ServerStats stats);
}
