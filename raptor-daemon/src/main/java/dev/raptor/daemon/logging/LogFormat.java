package dev.raptor.daemon.logging;

import java.util.Locale;

/**
 * How raptord's log lines look: {@code text} for people (the default), {@code json} for one JSON object
 * per line. Both appenders of {@code logback.xml} are always attached; a {@link LogFormatFilter} on each
 * lets through only the chosen one, so the format can follow the configuration file, which is read after
 * logging has started, without reconfiguring logback.
 */
public enum LogFormat {
    TEXT("text"), JSON("json");

    /** The environment variable, read at startup before the configuration file is. */
    public static final String ENV = "RAPTOR_LOG_FORMAT";

    private static volatile LogFormat current = initial();

    private final String wireName;

    LogFormat(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static LogFormat parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        for (LogFormat f : values()) {
            if (f.wireName.equals(v)) {
                return f;
            }
        }
        throw new IllegalArgumentException("must be text or json (was '" + value + "')");
    }

    public static LogFormat current() {
        return current;
    }

    /** From now on, lines are written in {@code format}. */
    public static void use(LogFormat format) {
        current = format;
    }

    private static LogFormat initial() {
        try {
            String v = System.getenv(ENV);
            return v == null || v.isBlank() ? TEXT : parse(v);
        } catch (IllegalArgumentException e) {
            return TEXT; // the configuration loader reports it and stops boot
        }
    }
}
