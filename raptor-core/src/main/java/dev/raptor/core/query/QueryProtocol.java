package dev.raptor.core.query;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The status protocols Raptor can ask a game server for its players, version and message of the day. */
public enum QueryProtocol {
    /** Minecraft Java Edition's Server List Ping (TCP, the game port): the status JSON, or the pre-1.7 kick string. */
    MINECRAFT("minecraft"),
    /** Valve's A2S_INFO (UDP): Source and GoldSource games, Valheim, Rust, ARK and most Steam servers. */
    SOURCE("source"),
    /** A command sent over Source RCON (TCP) whose answer names the player count, such as Minecraft's {@code list}. */
    RCON("rcon");

    private final String wireName;

    QueryProtocol(String wireName) {
        this.wireName = wireName;
    }

    /** The name in specs, the API and metrics: {@code minecraft}, {@code source}, {@code rcon}. */
    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException naming the accepted names */
    public static QueryProtocol parse(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        for (QueryProtocol p : values()) {
            if (p.wireName.equals(n)) {
                return p;
            }
        }
        throw new IllegalArgumentException("must be one of " + names() + " (was '" + name + "')");
    }

    public static String names() {
        return Arrays.stream(values()).map(QueryProtocol::wireName).collect(Collectors.joining(", "));
    }
}
