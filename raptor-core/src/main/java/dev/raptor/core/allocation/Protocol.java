package dev.raptor.core.allocation;

import java.util.Locale;

/** Transport protocol of a port allocation. */
public enum Protocol {
    TCP, UDP;

    /** Lower-case wire name ({@code tcp}, {@code udp}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code tcp}/{@code udp} in any case; throws IllegalArgumentException otherwise. */
    public static Protocol parse(String text) {
        if (text != null) {
            for (Protocol p : values()) {
                if (p.name().equalsIgnoreCase(text.trim())) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("protocol must be tcp or udp, not '" + text + "'");
    }
}
