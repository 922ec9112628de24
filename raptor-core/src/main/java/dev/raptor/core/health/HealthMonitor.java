package dev.raptor.core.health;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Runs the deep checks every {@code every} on a virtual thread of its own, so the last report (and the
 * metrics made of it) stays fresh without a request asking, and logs each change of the node's status
 * with its reasons.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);

    private final Thread thread;
    private volatile boolean closed;

    private HealthMonitor(DeepHealth health, Duration every) {
        this.thread = Thread.ofVirtual().name("health-monitor").start(() -> run(health, every));
    }

    public static HealthMonitor every(DeepHealth health, Duration every) {
        return new HealthMonitor(health, every);
    }

    private void run(DeepHealth health, Duration every) {
        HealthStatus before = null;
        while (!closed) {
            try {
                HealthReport r = health.check();
                if (r.status() != before) {
                    if (r.status() == HealthStatus.HEALTHY) {
                        log.info("node health: healthy");
                    } else {
                        log.warn("node health: {}: {}", r.status().wireName(), String.join("; ", r.reasons()));
                    }
                    before = r.status();
                }
            } catch (RuntimeException e) {
                log.warn("node health check failed: {}", e.toString());
            }
            try {
                Thread.sleep(every);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
