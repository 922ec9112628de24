package dev.raptor.core.console;

import dev.raptor.core.runtime.LogLine;

import java.util.List;

/**
 * Receives one subscriber's console output. Called only from that subscriber's own virtual thread, one
 * call at a time, so it may block (a socket write): that only delays this subscriber, whose queue then
 * drops its oldest lines instead of growing.
 */
public interface ConsoleListener {

    /** The next lines in order, at least one; many at once when output is fast. */
    void lines(List<LogLine> batch);

    /**
     * {@code count} lines were lost because this subscriber fell a full queue behind. Called once per
     * episode: when the subscriber has caught up again (or every few seconds while it stays behind),
     * just before the lines that follow the gap.
     */
    default void dropped(long count) {
    }

    /** The hub ended the subscription (server deleted, daemon shutting down); not called after the owner's own {@code close()}. */
    default void ended(EndReason reason) {
    }

    /** Why the hub ended a subscription. */
    enum EndReason {
        SERVER_DELETED, HUB_CLOSED
    }
}
