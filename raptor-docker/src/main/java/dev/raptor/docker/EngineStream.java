package dev.raptor.docker;

import com.github.dockerjava.api.async.ResultCallback;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One engine stream (logs, stats, one connection of an events subscription) as a {@link Subscription}.
 *
 * <p>docker-java reads the stream on a thread it starts in {@code exec(callback)}; that thread ends with
 * exactly one of {@code onComplete}/{@code onError} (sometimes both: its JSON reader reports a failure and
 * then completes), so the end is taken once, here, and handed to the {@link Handler} once.
 *
 * <p>{@link #close()} closes docker-java's stream (which interrupts its thread and closes the response) and
 * cancels the {@link CallContext}, which also reaches a request still waiting for the engine's headers.
 * docker-java's own {@code ResultCallbackTemplate} is not used: a {@code close()} before {@code onStart} is
 * forgotten there ({@code onStart} resets the closed flag), leaking the stream and its thread.
 */
final class EngineStream<T> implements ResultCallback<T>, Subscription {
    private static final Logger log = LoggerFactory.getLogger(EngineStream.class);

    /** What to do with the items and the end of the stream. Both are called on the reader thread. */
    interface Handler<T> {
        /** The engine answered the request (before any item). */
        default void opened() {
        }

        void item(T item);

        /**
         * The stream ended, once.
         *
         * @param error  why, or null for a normal end or a close
         * @param closed whether it ended because of {@link #close()}
         */
        void end(EngineException error, boolean closed);
    }

    private final UUID serverId;
    private final String operation;
    private final OpenStreams registry;
    private final Handler<T> handler;
    private final CallContext context = new CallContext();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile Closeable stream;
    private volatile boolean started;
    private volatile ScheduledFuture<?> openWatchdog;

    EngineStream(UUID serverId, String operation, OpenStreams registry, Handler<T> handler) {
        this.serverId = serverId;
        this.operation = operation;
        this.registry = registry;
        this.handler = handler;
    }

    /**
     * Sends the request from a virtual thread (negotiating the API version first if needed), so the caller
     * never blocks. If the engine has not answered within {@code openTimeout}, the stream ends with
     * {@link EngineException.Timeout}.
     */
    EngineStream<T> open(EngineConnection connection, ScheduledExecutorService timer, Duration openTimeout,
                         Consumer<EngineConnection.Clients> request) {
        registry.opened(this);
        try {
            openWatchdog = timer.schedule(this::openTimedOut, openTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException runtimeClosed) {
            finish(new EngineException.Unavailable(serverId, operation, "the docker runtime is closed", runtimeClosed));
            return this;
        }
        Thread.ofVirtual().name("raptor-docker-open-" + operation).start(() -> {
            context.bindCurrentThread();
            try {
                if (closed.get()) {
                    finish(null);
                    return;
                }
                // docker-java starts its reader thread in here (it inherits the context); a stream Raptor
                // reads itself is read on this thread
                request.accept(connection.clients());
            } catch (Throwable t) {
                finish(t);
            }
        });
        return this;
    }

    @Override
    public void onStart(Closeable s) {
        stream = s;
        started = true;
        ScheduledFuture<?> w = openWatchdog;
        if (w != null) {
            w.cancel(false);
        }
        if (closed.get()) {
            closeQuietly(s);
            return;
        }
        try {
            handler.opened();
        } catch (RuntimeException e) {
            log.warn("stream start handler failed operation={} server={}", operation, serverId, e);
        }
    }

    @Override
    public void onNext(T item) {
        if (closed.get() || ended.get()) {
            return;
        }
        try {
            handler.item(item);
        } catch (RuntimeException e) {
            log.warn("stream consumer failed; closing the stream operation={} server={}", operation, serverId, e);
            failure.compareAndSet(null, e);
            abort();
        }
    }

    @Override
    public void onError(Throwable throwable) {
        finish(throwable);
    }

    @Override
    public void onComplete() {
        finish(null);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            abort();
        }
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && !ended.get();
    }

    /** Whether the engine answered the request (headers received). */
    boolean started() {
        return started;
    }

    private void openTimedOut() {
        if (!started && !ended.get()) {
            failure.compareAndSet(null, new EngineException.Timeout(serverId, operation,
                    "the engine did not answer the stream request in time", null));
            abort();
        }
    }

    private void abort() {
        closeQuietly(stream);
        context.cancel();
    }

    private void finish(Throwable error) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        ScheduledFuture<?> w = openWatchdog;
        if (w != null) {
            w.cancel(false);
        }
        boolean byClose = closed.get();
        Throwable cause = failure.get() != null ? failure.get() : (byClose ? null : error);
        try {
            handler.end(cause == null ? null : EngineErrors.map(cause, serverId, operation), byClose && failure.get() == null);
        } catch (RuntimeException e) {
            log.warn("stream end handler failed operation={} server={}", operation, serverId, e);
        } finally {
            closeQuietly(stream);
            registry.ended(this);
        }
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException | RuntimeException ignored) {
                // already closed or broken; either way it is gone
            }
        }
    }
}
