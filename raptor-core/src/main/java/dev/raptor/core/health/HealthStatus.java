package dev.raptor.core.health;

import java.util.Locale;

/** How well a part of the node (or the node) is doing, from best to worst. */
public enum HealthStatus {
    /** Works as it should. */
    HEALTHY,
    /** Works, but something needs an operator's attention before it fails (disk nearly full, a crash-looping server, a slow engine). */
    DEGRADED,
    /** Does not work: the engine does not answer, the store cannot write. */
    UNHEALTHY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The worse of the two. */
    public HealthStatus worst(HealthStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
