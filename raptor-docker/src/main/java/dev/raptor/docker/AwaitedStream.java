package dev.raptor.docker;

import com.github.dockerjava.api.async.ResultCallback;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * A streaming endpoint used as one blocking call (pull, wait, attach): the worker of an {@link EngineCalls}
 * call sends it and waits for its end. The wait is interruptible, so the call's deadline ends it; the
 * docker-java thread reading it is interrupted through the call's {@link CallContext} as well.
 */
final class AwaitedStream<T> implements ResultCallback<T> {
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final Consumer<T> onItem;
    private volatile Closeable stream;
    private volatile boolean closed;
    private volatile boolean started;

    AwaitedStream(Consumer<T> onItem) {
        this.onItem = onItem;
    }

    @Override
    public void onStart(Closeable s) {
        stream = s;
        started = true;
        if (closed) {
            closeQuietly(s);
        }
    }

    @Override
    public void onNext(T item) {
        if (!closed) {
            onItem.accept(item);
        }
    }

    @Override
    public void onError(Throwable throwable) {
        done.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        done.complete(null);
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(stream);
    }

    /** Whether the engine answered (headers received). */
    boolean started() {
        return started;
    }

    /**
     * Waits for the end of the stream and closes it.
     *
     * @throws Exception the stream's failure, or InterruptedException when the call was abandoned
     */
    void await() throws Exception {
        try {
            done.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } finally {
            close();
        }
    }

    /**
     * Waits at most {@code timeout} for the end of the stream; unlike {@link #await()} it leaves the stream open
     * when time runs out, so that the caller can act (kill what it waits for) and wait again.
     *
     * @return whether the stream ended
     * @throws Exception the stream's failure, or InterruptedException when the call was abandoned
     */
    boolean awaitFor(java.time.Duration timeout) throws Exception {
        try {
            done.get(Math.max(0, timeout.toNanos()), java.util.concurrent.TimeUnit.NANOSECONDS);
            close();
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            close();
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException | RuntimeException ignored) {
                // gone either way
            }
        }
    }
}
