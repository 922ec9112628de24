package dev.raptor.core.health;

import dev.raptor.core.runtime.Deadline;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs the node's checks at once, each on a virtual thread of its own with the same deadline, and
 * reports them: a check that has not answered by then is reported unhealthy ("no answer within ...")
 * and abandoned (interrupted), so a hung engine makes the report late by the deadline, never hung.
 * The last report is kept for readers that must not wait ({@link #last()}: metrics).
 */
public final class DeepHealth {
    private final List<NodeCheck> checks;
    private final Duration deadline;
    private final AtomicReference<HealthReport> last = new AtomicReference<>();
    private final List<Consumer<HealthReport>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public DeepHealth(List<NodeCheck> checks, Duration deadline) {
        this.checks = List.copyOf(checks);
        this.deadline = deadline;
    }

    /** Hears every report (on the thread that made it). */
    public void addListener(Consumer<HealthReport> listener) {
        listeners.add(listener);
    }

    /** Runs every check now. */
    public HealthReport check() {
        Deadline d = Deadline.in(deadline);
        List<CompletableFuture<CheckResult>> running = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (NodeCheck c : checks) {
            CompletableFuture<CheckResult> f = new CompletableFuture<>();
            running.add(f);
            threads.add(Thread.ofVirtual().name("health-" + c.name()).start(() -> f.complete(runOne(c, d))));
        }
        List<CheckResult> results = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            NodeCheck c = checks.get(i);
            try {
                results.add(running.get(i).get(Math.max(1, d.remainingMillis()) + 200, TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                threads.get(i).interrupt();
                results.add(new CheckResult(c.name(), HealthStatus.UNHEALTHY, "no answer within " + deadline.toMillis() + " ms", deadline));
            } catch (ExecutionException e) {
                results.add(new CheckResult(c.name(), HealthStatus.UNHEALTHY, describe(e.getCause()), Duration.ZERO));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                results.add(new CheckResult(c.name(), HealthStatus.UNHEALTHY, "interrupted", Duration.ZERO));
            }
        }
        HealthReport report = HealthReport.of(Instant.now(), results);
        last.set(report);
        for (Consumer<HealthReport> l : listeners) {
            l.accept(report);
        }
        return report;
    }

    /** The last report, if any check ran yet. */
    public java.util.Optional<HealthReport> last() {
        return java.util.Optional.ofNullable(last.get());
    }

    public List<String> names() {
        return checks.stream().map(NodeCheck::name).toList();
    }

    private static CheckResult runOne(NodeCheck c, Deadline d) {
        long t0 = System.nanoTime();
        try {
            NodeCheck.Finding f = c.run(d);
            return new CheckResult(c.name(), f.status(), f.detail(), Duration.ofNanos(System.nanoTime() - t0));
        } catch (Exception e) {
            return new CheckResult(c.name(), HealthStatus.UNHEALTHY, describe(e), Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
