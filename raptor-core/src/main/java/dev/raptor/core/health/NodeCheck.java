package dev.raptor.core.health;

import dev.raptor.core.runtime.Deadline;

/**
 * One deep-health check of the node. Implementations answer by the deadline (or are abandoned and
 * reported unhealthy by {@link DeepHealth}), and report what they measured in words an operator reads.
 */
public interface NodeCheck {

    /** The check's name in reports and metrics. */
    String name();

    /** Runs the check; a thrown exception counts as {@link HealthStatus#UNHEALTHY} with its message. */
    Finding run(Deadline deadline) throws Exception;

    /** What a check found: its status and the detail. */
    record Finding(HealthStatus status, String detail) {
        public static Finding healthy(String detail) {
            return new Finding(HealthStatus.HEALTHY, detail);
        }

        public static Finding degraded(String detail) {
            return new Finding(HealthStatus.DEGRADED, detail);
        }

        public static Finding unhealthy(String detail) {
            return new Finding(HealthStatus.UNHEALTHY, detail);
        }
    }
}
