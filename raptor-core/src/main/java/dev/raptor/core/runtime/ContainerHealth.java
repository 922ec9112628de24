package dev.raptor.core.runtime;

import java.util.Locale;

/**
 * What a server's health check says about its running container ({@link dev.raptor.core.server.HealthCheck}):
 * the engine's verdict on Docker, the process runtime's own on local processes.
 */
public enum ContainerHealth {
    /** No health check, or the container does not run. */
    NONE,
    /** Running, and the check has not passed yet (the start period, or no verdict so far). */
    STARTING,
    /** The last check passed. */
    HEALTHY,
    /** The check failed {@code retries} times in a row. */
    UNHEALTHY;

    /** Made once: every server's document asks for it on every list. */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** {@code none}, {@code starting}, {@code healthy} or {@code unhealthy}: the API's word. */
    public String wireName() {
        return wireName;
    }

    /** The engine's word for it ({@code starting}, {@code healthy}, {@code unhealthy}); anything else is NONE. */
    public static ContainerHealth parse(String text) {
        if (text == null) {
            return NONE;
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "starting" -> STARTING;
            case "healthy" -> HEALTHY;
            case "unhealthy" -> UNHEALTHY;
            default -> NONE;
        };
    }
}
