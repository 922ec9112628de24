package dev.raptor.core.server;

import java.util.Locale;

/**
 * What a server is observed to be doing, from engine facts, never guessed. {@code INSTALLING}: its install script
 * runs; {@code INSTALL_FAILED}: its last install failed (or was cut short), so it stays offline until reinstalled;
 * {@code NODE_UNAVAILABLE}: the node it is pinned to (with its files) does not answer, so nothing is known of it and
 * nothing is done to it until the node is back, when it returns to its desired state.
 */
public enum ServerState {
    OFFLINE, STARTING, RUNNING, STOPPING, INSTALLING, INSTALL_FAILED, NODE_UNAVAILABLE;

    /** Made once: every server's document and every state event asks for it (see {@link DesiredState}). */
    private final String wireName = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** {@code offline}, ..., {@code installing}, {@code install-failed}, {@code node-unavailable}. */
    public String wireName() {
        return wireName;
    }

    public static ServerState parse(String text) {
        for (ServerState s : values()) {
            if (s.wireName().equalsIgnoreCase(text) || s.name().equalsIgnoreCase(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("state must be one of offline, starting, running, stopping, installing, install-failed, node-unavailable (was '"
                + text + "')");
    }
}
