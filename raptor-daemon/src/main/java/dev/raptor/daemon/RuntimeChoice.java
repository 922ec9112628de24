package dev.raptor.daemon;

import java.util.Locale;

/** Which container runtime the daemon uses ({@code RAPTOR_RUNTIME}). */
public enum RuntimeChoice {
    /** A Docker Engine at {@code DOCKER_HOST}. */
    DOCKER,
    /** Supervised local processes. */
    PROCESS,
    /** Docker Swarm: the manager's engine at {@code DOCKER_HOST}, the nodes' engines from {@code RAPTOR_SWARM_NODES}. */
    SWARM,
    /** Docker when an engine answers, else the process runtime. */
    AUTO;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RuntimeChoice parse(String text) {
        for (RuntimeChoice c : values()) {
            if (c.wireName().equals(text.strip().toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException("must be docker, process, swarm or auto (was '" + text + "')");
    }
}
