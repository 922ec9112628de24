package dev.raptor.core.watch;

/**
 * What every listener of a server watch hears besides its data: that the hub ended its subscription. The
 * console's and the stats' listeners extend it, so the reasons are one type however the data arrives.
 */
public interface WatchListener {

    /** The hub ended the subscription (server deleted, daemon shutting down); not called after the owner's own {@code close()}. */
    default void ended(EndReason reason) {
    }

    /** Why the hub ended a subscription. */
    enum EndReason {
        /** The server was deleted: there will be nothing more to watch. */
        SERVER_DELETED,
        /** The hub closed: the daemon is shutting down. */
        HUB_CLOSED
    }
}
