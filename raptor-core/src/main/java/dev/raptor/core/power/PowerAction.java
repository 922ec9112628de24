package dev.raptor.core.power;

import java.util.Locale;

/** What an operator asks of a server's power. */
public enum PowerAction {
    START, STOP, RESTART, KILL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PowerAction parse(String text) {
        if (text != null) {
            for (PowerAction a : values()) {
                if (a.name().equalsIgnoreCase(text.trim())) {
                    return a;
                }
            }
        }
        throw new IllegalArgumentException("action must be one of start, stop, restart, kill (was '" + text + "')");
    }
}
