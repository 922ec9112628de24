package dev.raptor.core.testing;

import dev.raptor.core.runtime.StreamSink;
import dev.raptor.core.runtime.Subscription;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * One stream of a {@link FakeEngine} (logs, stats or events) as an engine client delivers it: the engine
 * fills a queue, a reader thread of its own drains it into the sink, and the sink hears {@code end} once,
 * after the last item, whether the stream finished, failed or was closed (rule 7). Closing it ends its
 * reader thread; the engine forgets it then.
 *
 * @param <T> the items
 */
final class FakeStream<T> implements Subscription {
    /** Reader threads are named with this prefix, for tests that count threads. */
    static final String THREAD_PREFIX = "fake-stream-";
    private static final Object END = new Object();

    final Kind kind;
    final Object key;
    private final StreamSink<T> sink;
    private final Consumer<FakeStream<?>> onEnd;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private volatile Throwable error;
    private volatile boolean open = true;

    enum Kind { LOGS, STATS, EVENTS }

    /**
     * @param key   what the stream is about (a container, or the runtime for events), for the engine to find it
     * @param onEnd called on the reader thread once the stream has ended
     */
    FakeStream(Kind kind, Object key, StreamSink<T> sink, Consumer<FakeStream<?>> onEnd) {
        this.kind = kind;
        this.key = key;
        this.sink = sink;
        this.onEnd = onEnd;
    }

    FakeStream<T> start() {
        Thread.ofVirtual().name(THREAD_PREFIX + kind.name().toLowerCase()).start(this::read);
        return this;
    }

    void push(T item) {
        queue.add(item);
    }

    /** The stream ends after the items pushed so far; with an error, abnormally. */
    void finish(Throwable error) {
        this.error = error;
        queue.add(END);
    }

    @SuppressWarnings("unchecked")
    private void read() {
        try {
            while (true) {
                Object item = queue.take();
                if (item == END || !open) {
                    break;
                }
                sink.next((T) item);
            }
        } catch (InterruptedException e) {
            // closed
        } finally {
            open = false;
            onEnd.accept(this);
            sink.end(error);
        }
    }

    @Override
    public void close() {
        open = false;
        queue.add(END);
    }

    @Override
    public boolean isOpen() {
        return open;
    }
}
