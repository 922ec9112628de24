package dev.raptor.core.health;

import java.time.Duration;
import java.util.Objects;

/**
 * One named check's finding.
 *
 * @param name   {@code store}, {@code engine}, {@code disk}, {@code clock}, {@code servers}...
 * @param status what it found
 * @param detail what an operator reads: the measurement, and the threshold it crossed
 * @param took   how long the check ran
 */
public record CheckResult(String name, HealthStatus status, String detail, Duration took) {
    public CheckResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        detail = detail == null ? "" : detail;
        took = took == null ? Duration.ZERO : took;
    }
}
