package dev.raptor.docker;

import dev.raptor.core.runtime.EngineException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps one engine stream open for a subscription that outlives broken connections: opens a connection, waits for its
 * end, and opens the next after a backoff of 100 ms doubling to 5 s (afresh after a connection that lived 10 s), until
 * the subscription is closed. The loop of the container events ({@link EventsSubscription}) and of the image events
 * ({@link ImageWatch}).
 */
final class Reconnecting {
    private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** A connection that lived this long was healthy: the next break starts the backoff afresh. */
    private static final Duration HEALTHY = Duration.ofSeconds(10);

    /** One subscription's connections. */
    interface Connections {
        /** Opens the next connection; its handler completes {@code ended} once, with its error (null: none). */
        EngineStream<?> open(CompletableFuture<EngineException> ended);

        /** The connection broke (it was not closed): why, and how long until the next one is opened. */
        void broke(String cause, Duration backoff);
    }

    private Reconnecting() {
    }

    /** Runs on the calling thread until {@code closed} is set (the caller closes the connection open then) or it is interrupted. */
    static void run(AtomicBoolean closed, Connections connections) {
        Duration backoff = MIN_BACKOFF;
        while (!closed.get()) {
            long connectedAt = System.nanoTime();
            CompletableFuture<EngineException> ended = new CompletableFuture<>();
            EngineStream<?> stream = connections.open(ended);
            if (closed.get()) {
                stream.close();
            }
            EngineException error;
            try {
                error = ended.get();
            } catch (InterruptedException e) {
                stream.close();
                awaitQuietly(ended);
                return;
            } catch (ExecutionException e) {
                error = null; // never completed exceptionally
            }
            if (closed.get()) {
                return;
            }
            if (Duration.ofNanos(System.nanoTime() - connectedAt).compareTo(HEALTHY) >= 0) {
                backoff = MIN_BACKOFF;
            }
            connections.broke(error == null ? "engine closed the stream" : error.getMessage(), backoff);
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private static void awaitQuietly(CompletableFuture<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException ignored) {
            // ended either way
        }
    }
}
