package dev.raptor.docker;

import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs blocking engine calls under a {@link Deadline} (rule 3).
 *
 * <p>Each call runs on a virtual thread of its own inside a fresh {@link CallContext}; the caller waits at
 * most until the deadline. Past it the context is cancelled: the worker and every docker-java thread it
 * started are interrupted, which closes the sockets they block on, and the caller gets
 * {@link EngineException.Timeout} at once without waiting for them to unwind.
 */
final class EngineCalls {
    private static final Logger log = LoggerFactory.getLogger(EngineCalls.class);

    /** A blocking piece of work against the engine. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws Exception;
    }

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger abandoned = new AtomicInteger();

    <T> T run(String operation, UUID serverId, Deadline deadline, Call<T> call) {
        return run(operation, serverId, deadline, true, call);
    }

    /**
     * @param timeoutIsNews whether reaching the deadline is worth a warning (not for waits whose deadline is
     *                      the expected way out, like awaitExit)
     */
    <T> T run(String operation, UUID serverId, Deadline deadline, boolean timeoutIsNews, Call<T> call) {
        if (deadline.expired()) {
            throw new EngineException.Timeout(serverId, operation, "deadline already passed", null);
        }
        CallContext context = new CallContext();
        CompletableFuture<T> result = new CompletableFuture<>();
        inFlight.incrementAndGet();
        Thread.ofVirtual().name("raptor-docker-" + operation).start(() -> {
            try {
                context.bindCurrentThread();
                result.complete(call.run());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                inFlight.decrementAndGet();
            }
        });
        try {
            return result.get(Math.max(1, deadline.remaining().toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            context.cancel();
            if (timeoutIsNews) {
                abandoned.incrementAndGet();
                log.warn("docker call abandoned at its deadline operation={} server={}", operation, serverId);
            }
            throw new EngineException.Timeout(serverId, operation, "no answer from the engine before the deadline", null);
        } catch (InterruptedException e) {
            context.cancel();
            Thread.currentThread().interrupt();
            throw new EngineException.Timeout(serverId, operation, "interrupted while waiting for the engine", e);
        } catch (ExecutionException e) {
            throw EngineErrors.map(e.getCause(), serverId, operation);
        }
    }

    /** {@link #run} for calls with no result. */
    void perform(String operation, UUID serverId, Deadline deadline, Call<?> call) {
        run(operation, serverId, deadline, call);
    }

    /** Calls whose worker thread has not finished yet (a call abandoned at its deadline counts until it unwinds). */
    int inFlight() {
        return inFlight.get();
    }

    /** Calls abandoned at their deadline since start. */
    int abandoned() {
        return abandoned.get();
    }
}
