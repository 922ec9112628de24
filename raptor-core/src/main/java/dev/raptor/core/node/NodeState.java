package dev.raptor.core.node;

import java.util.Locale;

/**
 * Whether a machine that runs servers can run them now, as its runtime sees it.
 *
 * <ul>
 *   <li>{@link #READY}: it answers and takes servers;</li>
 *   <li>{@link #DOWN}: it does not answer (its engine stopped, or the cluster reports it down): its servers read
 *       {@code node-unavailable} until it is back, and nothing of theirs is started elsewhere;</li>
 *   <li>{@link #UNAVAILABLE}: it answers but takes no servers (drained or paused in the cluster, or no engine
 *       address configured for it).</li>
 * </ul>
 */
public enum NodeState {
    READY, DOWN, UNAVAILABLE;

    /** {@code ready}, {@code down}, {@code unavailable}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
