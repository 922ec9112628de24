package dev.raptor.core.server;

import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.Problems;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A command run inside the server to tell whether it is healthy (e.g. a query on its port).
 *
 * @param command     shell command line; exit 0 means healthy
 * @param interval    time between checks
 * @param timeout     time one check may take
 * @param retries     consecutive failures before the server counts as unhealthy
 * @param startPeriod grace after start during which failures do not count
 */
public record HealthCheck(String command, Duration interval, Duration timeout, int retries, Duration startPeriod) {

    public HealthCheck {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(startPeriod, "startPeriod");
    }

    public static HealthCheck of(String command) {
        return new HealthCheck(command, Duration.ofSeconds(30), Duration.ofSeconds(10), 3, Duration.ofSeconds(60));
    }

    public List<FieldError> problems() {
        Problems p = new Problems();
        p.check(command != null && !command.isBlank(), "command", "must be a command line");
        p.check(between(interval, Duration.ofSeconds(1), Duration.ofHours(1)), "intervalSeconds", "must be between 1 and 3600 seconds");
        p.check(between(timeout, Duration.ofSeconds(1), Duration.ofHours(1)), "timeoutSeconds", "must be between 1 and 3600 seconds");
        p.check(retries >= 1 && retries <= 100, "retries", "must be between 1 and 100 (was " + retries + ")");
        p.check(between(startPeriod, Duration.ZERO, Duration.ofHours(1)), "startPeriodSeconds", "must be between 0 and 3600 seconds");
        return p.list();
    }

    private static boolean between(Duration d, Duration min, Duration max) {
        return d.compareTo(min) >= 0 && d.compareTo(max) <= 0;
    }
}
