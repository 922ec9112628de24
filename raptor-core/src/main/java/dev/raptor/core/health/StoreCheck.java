package dev.raptor.core.health;

import dev.raptor.core.runtime.Deadline;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * The store takes a durable write: {@code write} commits one (the SQLite store updates its probe row
 * with {@code synchronous=FULL}) and says what it did. Unhealthy when it fails, degraded when the commit
 * is slower than {@code slowAbove} (every power action's intent pays that latency).
 */
public record StoreCheck(Callable<String> write, Duration slowAbove) implements NodeCheck {

    @Override
    public String name() {
        return "store";
    }

    @Override
    public Finding run(Deadline deadline) {
        long t0 = System.nanoTime();
        String what;
        try {
            what = write.call();
        } catch (Exception e) {
            return Finding.unhealthy("cannot write: " + DeepHealth.describe(e));
        }
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        String detail = what + " in " + ms + " ms";
        return ms > slowAbove.toMillis()
                ? Finding.degraded(detail + " (slow: over " + slowAbove.toMillis() + " ms)")
                : Finding.healthy(detail);
    }
}
