package dev.raptor.core.server;

import java.util.Locale;

/** What the operator wants a server to be doing. Durable: written before the engine is touched. */
public enum DesiredState {
    RUNNING, STOPPED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
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
