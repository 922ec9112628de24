package dev.raptor.metrics;

import dev.raptor.core.operation.FinishedOperation;
import dev.raptor.core.operation.PendingOperation;
import dev.raptor.core.server.ActivityEntry;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerStore;
import dev.raptor.core.server.StoredServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link ServerStore} that times every durable write ({@code raptor_store_write_seconds} by operation
 * and outcome): each returns only once it is on disk, so this is the commit latency the write-ahead
 * intents pay. Reads come from memory and are passed through untimed.
 */
public final class MeteredStore implements ServerStore {
    static final String METRIC = "raptor.store.write";

    private final ServerStore delegate;
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

    public MeteredStore(ServerStore delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.registry = registry;
    }

    private <T> T timed(String operation, Supplier<T> work) {
        long t0 = System.nanoTime();
        String outcome = "ok";
        try {
            return work.get();
        } catch (RuntimeException e) {
            outcome = "error";
            throw e;
        } finally {
            timers.computeIfAbsent(operation + "/" + outcome, k -> Timer.builder(METRIC)
                            .description("Durable store writes by operation and outcome")
                            .tags("operation", operation, "outcome", k.substring(k.indexOf('/') + 1))
                            .serviceLevelObjectives(Buckets.CALLS)
                            .register(registry))
                    .record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public StoredServer create(ServerSpec spec) {
        return timed("create", () -> delegate.create(spec));
    }

    @Override
    public Created create(ServerSpec spec, String type, String message, Map<String, String> details) {
        return timed("create", () -> delegate.create(spec, type, message, details));
    }

    @Override
    public Optional<StoredServer> find(UUID id) {
        return delegate.find(id);
    }

    @Override
    public List<StoredServer> list() {
        return delegate.list();
    }

    @Override
    public StoredServer update(UUID id, long expectedVersion, ServerSpec spec) {
        return timed("update", () -> delegate.update(id, expectedVersion, spec));
    }

    @Override
    public StoredServer setDesiredState(UUID id, DesiredState desired) {
        return timed("desired_state", () -> delegate.setDesiredState(id, desired));
    }

    @Override
    public StoredServer setDesiredState(UUID id, DesiredState desired, PendingOperation begun) {
        return timed("desired_state", () -> delegate.setDesiredState(id, desired, begun));
    }

    @Override
    public boolean delete(UUID id) {
        return timed("delete", () -> delegate.delete(id));
    }

    @Override
    public boolean delete(UUID id, dev.raptor.core.node.PendingRemoval.Target pending) {
        return timed("delete", () -> delegate.delete(id, pending));
    }

    @Override
    public boolean delete(UUID id, dev.raptor.core.node.PendingRemoval.Target pending, FinishedOperation answered) {
        return timed("delete", () -> delegate.delete(id, pending, answered));
    }

    @Override
    public List<dev.raptor.core.node.PendingRemoval> pendingRemovals() {
        return timed("pending_removals", delegate::pendingRemovals);
    }

    @Override
    public void removalFailed(long removalId, int attempts, java.time.Instant nextAttempt, String error) {
        timed("removal_failed", () -> {
            delegate.removalFailed(removalId, attempts, nextAttempt, error);
            return null;
        });
    }

    @Override
    public void removalDone(long removalId) {
        timed("removal_done", () -> {
            delegate.removalDone(removalId);
            return null;
        });
    }

    @Override
    public ActivityEntry appendActivity(UUID server, String type, String message, Map<String, String> details) {
        return timed("activity", () -> delegate.appendActivity(server, type, message, details));
    }

    @Override
    public ActivityEntry appendActivity(UUID server, String type, String message, Map<String, String> details,
                                        FinishedOperation answered) {
        return timed("activity", () -> delegate.appendActivity(server, type, message, details, answered));
    }

    @Override
    public ActivityEntry appendPassingActivity(UUID server, String type, String message, Map<String, String> details) {
        return timed("activity", () -> delegate.appendPassingActivity(server, type, message, details));
    }

    @Override
    public List<ActivityEntry> activity(UUID server, long beforeId, int limit) {
        return delegate.activity(server, beforeId, limit);
    }
}
