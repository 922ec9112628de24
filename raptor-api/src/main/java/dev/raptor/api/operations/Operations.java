package dev.raptor.api.operations;

import dev.raptor.core.power.PowerResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The operations of the last while, in memory: each finished one is kept for {@code retention} so a
 * client that was answered 202 can read its outcome, and at most {@code capacity} are kept (the
 * oldest finished ones go first; pending ones are never dropped, and they are few, because
 * controllers coalesce queued intents). A daemon restart forgets them; the intents themselves are
 * durable in the store.
 */
public final class Operations implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Operations.class);

    private final Map<String, Operation> byId = new ConcurrentHashMap<>();
    private final int capacity;
    private final Duration retention;
    private final Clock clock;
    /** Completes when the daemon shuts down, waking every waiting request. */
    private final CompletableFuture<Void> closing = new CompletableFuture<>();

    public Operations(int capacity, Duration retention, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.retention = retention;
        this.clock = clock;
    }

    /** Registers a submitted intent's future as a new operation. */
    public Operation track(UUID serverId, String action, CompletableFuture<PowerResult> result) {
        CompletableFuture<Instant> finished = new CompletableFuture<>();
        Operation op = new Operation(UUID.randomUUID().toString(), serverId, action, clock.instant(), result, finished);
        result.whenComplete((r, e) -> {
            finished.complete(clock.instant());
            if (e != null) {
                log.warn("operation {} on server {} ended exceptionally", op.id(), serverId, e);
            }
        });
        evictIfFull();
        byId.put(op.id(), op);
        return op;
    }

    public Optional<Operation> find(String id) {
        Operation op = byId.get(id);
        if (op != null && expired(op, clock.instant())) {
            byId.remove(id);
            return Optional.empty();
        }
        return Optional.ofNullable(op);
    }

    /** The server an operation acts on (for authorising tokens on {@code GET /operations/{opId}}). */
    public Optional<UUID> serverOf(String id) {
        return find(id).map(Operation::serverId);
    }

    /**
     * Waits until the operation has finished, at most {@code timeout}, or until the daemon begins to
     * shut down.
     *
     * @return whether it has finished
     */
    public boolean await(Operation op, Duration timeout) {
        if (op.finished()) {
            return true;
        }
        try {
            CompletableFuture.anyOf(op.finishedAt(), closing).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // not finished in time: the caller answers 202 with the operation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return op.finishedAt().isDone();
    }

    public int size() {
        return byId.size();
    }

    private void evictIfFull() {
        Instant now = clock.instant();
        if (byId.size() < capacity) {
            return;
        }
        byId.values().removeIf(op -> expired(op, now));
        int excess = byId.size() - capacity + 1;
        if (excess > 0) {
            byId.values().stream().filter(Operation::finished)
                    .sorted(Comparator.comparing(op -> op.finishedAt().getNow(Instant.MIN)))
                    .limit(excess).map(Operation::id).toList().forEach(byId::remove);
        }
    }

    private boolean expired(Operation op, Instant now) {
        Instant end = op.finishedAt().getNow(null);
        return end != null && end.plus(retention).isBefore(now);
    }

    /** Wakes every waiting request (they answer 202 with their operation). */
    @Override
    public void close() {
        closing.complete(null);
    }
}
