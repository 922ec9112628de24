package dev.raptor.wire.node;

import dev.raptor.core.health.CheckResult;
import dev.raptor.core.health.HealthReport;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /health?deep=true}: the node's deep health, the worst of its named checks; 200 while
 * {@code healthy} or {@code degraded}, 503 when {@code unhealthy}.
 *
 * <pre>{@code
 * {"status": "degraded", "at": "…", "reasons": ["disk: 3.1 GiB free of 50.0 GiB at /var/lib/raptor-daemon (below 5.0 GiB)"],
 *  "checks": [{"name": "store", "status": "healthy", "detail": "sqlite committed a write and answers (3 servers) in 4 ms", "tookMillis": 4},
 *             {"name": "engine", ...}, {"name": "disk", ...}, {"name": "clock", ...}, {"name": "servers", ...}]}
 * }</pre>
 *
 * @param status  {@code healthy}, {@code degraded} or {@code unhealthy}
 * @param reasons every check that is not healthy, as {@code name: detail}
 * @param checks  every check in a fixed order: {@code store}, {@code engine}, {@code disk}, {@code clock}, {@code servers}
 */
public record DeepHealthDocument(String status, Instant at, List<String> reasons, List<Check> checks) {

    /** One named check: what it found and how long it took. */
    public record Check(String name, String status, String detail, long tookMillis) {
    }

    public static DeepHealthDocument of(HealthReport report) {
        return new DeepHealthDocument(report.status().wireName(), report.at(), report.reasons(),
                report.checks().stream().map(DeepHealthDocument::check).toList());
    }

    private static Check check(CheckResult c) {
        return new Check(c.name(), c.status().wireName(), c.detail(), c.took().toMillis());
    }
}
