package dev.raptor.core.health;

import java.time.Instant;
import java.util.List;

/**
 * The node's deep health: the worst of its checks, the reasons (every check that is not healthy, as
 * {@code name: detail}), and every check's finding in the order they were given.
 */
public record HealthReport(Instant at, HealthStatus status, List<String> reasons, List<CheckResult> checks) {
    public HealthReport {
        reasons = List.copyOf(reasons);
        checks = List.copyOf(checks);
    }

    static HealthReport of(Instant at, List<CheckResult> checks) {
        HealthStatus worst = HealthStatus.HEALTHY;
        java.util.ArrayList<String> reasons = new java.util.ArrayList<>();
        for (CheckResult c : checks) {
            worst = worst.worst(c.status());
            if (c.status() != HealthStatus.HEALTHY) {
                reasons.add(c.name() + ": " + c.detail());
            }
        }
        return new HealthReport(at, worst, reasons, checks);
    }
}
