package dev.raptor.api;

import dev.raptor.core.health.DeepHealth;
import dev.raptor.core.query.GameStatuses;
import dev.raptor.metrics.RaptorMetrics;

import java.time.Duration;
import java.util.List;

/**
 * What the API shows of the node's observability, wired by the daemon: the metric registry ({@code GET
 * /metrics}, where requests and console sockets are counted), the deep health checks ({@code GET
 * /health?deep=true}) and the game statuses (the {@code game} member of server documents and stats).
 */
public record Observability(RaptorMetrics metrics, DeepHealth health, GameStatuses games) {

    /** A node measured by nobody: an empty registry, no deep checks, no game queries (tests, tools). */
    public static Observability none() {
        return new Observability(RaptorMetrics.bare(), new DeepHealth(List.of(), Duration.ofSeconds(5)), GameStatuses.NONE);
    }
}
