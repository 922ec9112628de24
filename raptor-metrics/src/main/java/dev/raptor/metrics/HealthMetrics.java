package dev.raptor.metrics;

import dev.raptor.core.health.CheckResult;
import dev.raptor.core.health.DeepHealth;
import dev.raptor.core.health.HealthReport;
import dev.raptor.core.health.HealthStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Optional;

/**
 * The node's deep health as series, from the last report {@link DeepHealth} made (whoever asked for
 * it: the API, or the daemon's periodic check): {@code raptor_health_status} for the node and
 * {@code raptor_health_check_status{check}} for each check (0 healthy, 1 degraded, 2 unhealthy), and
 * {@code raptor_health_check_duration_seconds{check}}. NaN before the first report.
 */
public final class HealthMetrics {

    public HealthMetrics(MeterRegistry registry, DeepHealth health) {
        Gauge.builder("raptor.health.status", health, h -> h.last().map(r -> (double) level(r.status())).orElse(Double.NaN))
                .description("The node's deep health: 0 healthy, 1 degraded, 2 unhealthy").register(registry);
        for (String name : health.names()) {
            Gauge.builder("raptor.health.check.status", health, h -> find(h, name).map(c -> (double) level(c.status())).orElse(Double.NaN))
                    .description("One deep-health check: 0 healthy, 1 degraded, 2 unhealthy").tag("check", name).register(registry);
            Gauge.builder("raptor.health.check.duration", health, h -> find(h, name).map(c -> c.took().toNanos() / 1e9).orElse(Double.NaN))
                    .description("How long the check took").baseUnit("seconds").tag("check", name).register(registry);
        }
    }

    static int level(HealthStatus s) {
        return s.ordinal();
    }

    private static Optional<CheckResult> find(DeepHealth h, String name) {
        return h.last().map(HealthReport::checks).flatMap(cs -> cs.stream().filter(c -> c.name().equals(name)).findFirst());
    }
}
