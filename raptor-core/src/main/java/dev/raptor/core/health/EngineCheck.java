package dev.raptor.core.health;

import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.RuntimeInfo;

import java.time.Duration;

/** The container engine answers (one info call, timed): unhealthy when it does not, degraded when it is slow. */
public record EngineCheck(ContainerRuntime runtime, Duration slowAbove) implements NodeCheck {

    @Override
    public String name() {
        return "engine";
    }

    @Override
    public Finding run(Deadline deadline) {
        long t0 = System.nanoTime();
        RuntimeInfo info;
        try {
            info = runtime.info(deadline);
        } catch (EngineException e) {
            return Finding.unhealthy(runtime.name() + " does not answer: " + DeepHealth.describe(e));
        }
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        String detail = info.runtime() + " " + info.engineVersion() + " answered in " + ms + " ms";
        return ms > slowAbove.toMillis()
                ? Finding.degraded(detail + " (slow: over " + slowAbove.toMillis() + " ms)")
                : Finding.healthy(detail);
    }
}
