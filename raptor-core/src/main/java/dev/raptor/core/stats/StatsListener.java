package dev.raptor.core.stats;

/**
 * Receives one subscriber's resource readings, on that subscriber's own virtual thread. Latest-value
 * semantics: a listener that blocks misses intermediate readings, it never makes any queue grow.
 */
public interface StatsListener {

    /** The latest reading; about once per {@link StatsSettings#publishEvery()} while it changes. */
    void stats(ServerStats stats);

    /** The hub ended the subscription (server deleted, daemon shutting down). */
    default void ended(EndReason reason) {
    }

    enum EndReason {
        SERVER_DELETED, HUB_CLOSED
    }
}
