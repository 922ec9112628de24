package dev.raptor.core.runtime;

/**
 * Receives the items of a runtime stream (log lines, stats, events). Called from the runtime's own
 * thread, one item at a time; must not block for long (hand off to a bounded queue instead).
 */
public interface StreamSink<T> {
    void next(T item);

    /**
     * The stream ended: the container stopped, the subscription was closed, or the engine failed.
     * Called at most once, after the last {@link #next}.
     *
     * @param error why it ended abnormally, or null for a normal end (including {@code close()})
     */
    default void end(Throwable error) {
    }
}
