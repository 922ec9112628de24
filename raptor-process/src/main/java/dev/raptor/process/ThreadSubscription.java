package dev.raptor.process;

import dev.raptor.core.runtime.StreamSink;
import dev.raptor.core.runtime.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A stream (logs, stats, events) read by one virtual thread of its own (rule 7). {@link #close()} ends
 * that thread before it returns; the sink's {@code end} is called exactly once, by that thread, after
 * its last {@code next}: with null when the stream ended or was closed, else with the failure.
 */
final class ThreadSubscription<T> implements Subscription {
    private static final Logger log = LoggerFactory.getLogger(ThreadSubscription.class);
    private static final Duration JOIN = Duration.ofSeconds(10);

    /** What the thread does; returning ends the stream normally. */
    interface Body<T> {
        void run(ThreadSubscription<T> out) throws Exception;
    }

    private final StreamSink<T> sink;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final Thread thread;

    private ThreadSubscription(String name, StreamSink<T> sink, Body<T> body, Consumer<ThreadSubscription<T>> onEnd) {
        this.sink = sink;
        this.thread = Thread.ofVirtual().name(name).unstarted(() -> {
            Throwable error = null;
            try {
                body.run(this);
            } catch (Pause.Interrupted | InterruptedException e) {
                // closed
            } catch (Throwable t) {
                if (open.get()) {
                    error = t;
                    log.warn("stream {} failed: {}", name, t.toString());
                }
            } finally {
                open.set(false);
                onEnd.accept(this);
                try {
                    sink.end(error);
                } catch (RuntimeException e) {
                    log.warn("stream {}: the sink's end() threw", name, e);
                }
            }
        });
    }

    /** Starts {@code body} on a new virtual thread named {@code name}; {@code onEnd} runs when it ends. */
    static <T> ThreadSubscription<T> start(String name, StreamSink<T> sink, Body<T> body, Consumer<ThreadSubscription<T>> onEnd) {
        ThreadSubscription<T> s = new ThreadSubscription<>(name, sink, body, onEnd);
        s.thread.start();
        return s;
    }

    /** Hands one item to the sink; false (and nothing handed) once the subscription is closed. */
    boolean emit(T item) {
        if (!open.get()) {
            return false;
        }
        sink.next(item);
        return true;
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    @Override
    public void close() {
        open.set(false);
        if (Thread.currentThread() == thread) {
            return; // closed from inside the sink: the loop sees it at its next step
        }
        thread.interrupt();
        try {
            if (!thread.join(JOIN)) {
                log.warn("stream thread {} did not end within {} s of close()", thread.getName(), JOIN.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
