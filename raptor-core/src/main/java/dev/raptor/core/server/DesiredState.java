package dev.raptor.core.server;

import java.util.Locale;

/** What the operator wants a server to be doing. Durable: written before the engine is touched. */
public enum DesiredState {
    RUNNING, STOPPED;

    /**
     * Made once: every server's document asks for it on every list (a new string each time, with {@link ServerState}'s
     * and {@link dev.raptor.core.runtime.ContainerHealth}'s, was about a tenth of what the daemon allocated in a storm).
     */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    public String wireName() {
        return wireName;
    }

    public static DesiredState parse(String text) {
        for (DesiredState s : values()) {
            if (s.name().equalsIgnoreCase(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("desired state must be running or stopped (was '" + text + "')");
    }
}
