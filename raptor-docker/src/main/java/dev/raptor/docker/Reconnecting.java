package dev.raptor.docker;

import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.Subscription;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A subscription that keeps one engine stream open and outlives broken connections: a supervisor (virtual thread) opens
 * a connection, waits for its end, and opens the next after a backoff of 100 ms doubling to 5 s (afresh after a
 * connection that lived 10 s), until the subscription is closed. The container events ({@link EventsSubscription}) and
 * the image events ({@link ImageWatch}) are two.
 */
abstract class Reconnecting implements Subscription {
    private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** A connection that lived this long was healthy: the next break starts the backoff afresh. */
    private static final Duration HEALTHY = Duration.ofSeconds(10);

    private final OpenStreams registry;
    private final String threadName;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile EngineStream<?> current;
    private volatile Thread supervisor;

    /** @param registry counts this subscription until its supervisor has ended */
    Reconnecting(OpenStreams registry, String threadName) {
        this.registry = registry;
        this.threadName = threadName;
    }

    /** Opens the next connection; its handler completes {@code ended} once, with its error (null: none). */
    abstract EngineStream<?> open(CompletableFuture<EngineException> ended);

    /** The connection broke (it was not closed): why, and how long until the next one is opened. */
    abstract void broke(String cause, Duration backoff);

    /** The supervisor ends (closed, or interrupted), just before the subscription stops being counted. */
    void ended() {
    }

    /** Starts the supervisor. */
    final void startSupervisor() {
        registry.opened(this);
        supervisor = Thread.ofVirtual().name(threadName).start(this::supervise);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            EngineStream<?> s = current;
            if (s != null) {
                s.close();
            }
            Thread t = supervisor;
            if (t != null) {
                t.interrupt();
            }
        }
    }

    @Override
    public boolean isOpen() {
        return !closed.get();
    }

    private void supervise() {
        try {
            reconnect();
        } finally {
            try {
                ended();
            } finally {
                registry.ended(this);
            }
        }
    }

    private void reconnect() {
        Duration backoff = MIN_BACKOFF;
        while (!closed.get()) {
            long connectedAt = System.nanoTime();
            CompletableFuture<EngineException> ended = new CompletableFuture<>();
            EngineStream<?> stream = open(ended);
            current = stream;
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
            broke(error == null ? "engine closed the stream" : error.getMessage(), backoff);
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
