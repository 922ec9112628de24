package dev.raptor.core.server;

import java.util.Locale;

/** What a server is observed to be doing, from engine facts, never guessed. */
public enum ServerState {
    OFFLINE, STARTING, RUNNING, STOPPING;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ServerState parse(String text) {
        for (ServerState s : values()) {
            if (s.name().equalsIgnoreCase(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("state must be one of offline, starting, running, stopping (was '" + text + "')");
    }
}
