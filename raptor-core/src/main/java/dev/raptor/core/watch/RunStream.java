package dev.raptor.core.watch;

import dev.raptor.core.runtime.StreamSink;
import dev.raptor.core.runtime.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One engine stream (output or readings) that a watch's pump holds open on one run of its server: which
 * run it follows, its generation (so that a late item or end of a replaced stream is recognised and
 * ignored), and its end, which the engine's reader thread hands to the pump as a command. Only the pump
 * opens and closes it; {@code openStreams} counts the streams a hub holds (tests prove none leaks).
 *
 * @param <T> the items
 */
public final class RunStream<T> implements StreamSink<T> {
    private static final Logger log = LoggerFactory.getLogger(RunStream.class);

    private final int gen;
    private final String containerId;
    private final Instant startedAt;
    private final Consumer<T> items;
    private final Consumer<Throwable> ended;
    private final CountDownLatch over = new CountDownLatch(1);
    private volatile Subscription subscription;

    /**
     * @param items  takes each item, on the engine's reader thread (a memory operation only)
     * @param ended  hears the end (null: a normal one), on the engine's reader thread: post it to the pump
     */
    public RunStream(int gen, String containerId, Instant startedAt, Consumer<T> items, Consumer<Throwable> ended) {
        this.gen = gen;
        this.containerId = containerId;
        this.startedAt = startedAt;
        this.items = items;
        this.ended = ended;
    }

    /**
     * Opens the engine stream through {@code open} and counts it.
     *
     * @return whether it opened; when not, the failure was logged (the pump retries later)
     */
    public boolean open(Function<StreamSink<T>, Subscription> open, AtomicInteger openStreams, String what) {
        try {
            subscription = open.apply(this);
        } catch (RuntimeException e) {
            log.debug("could not open the {} stream on {}: {}", what, containerId, e.toString());
            return false;
        }
        openStreams.incrementAndGet();
        return true;
    }

    public int gen() {
        return gen;
    }

    /** Whether this stream follows the run of {@code containerId} that started at {@code startedAt}. */
    public boolean follows(String containerId, Instant startedAt) {
        return this.containerId.equals(containerId) && startedAt != null && startedAt.equals(this.startedAt);
    }

    /** Waits (bounded) for the engine to end the stream, e.g. for a finished run to deliver its last lines. */
    public void awaitEnd(Duration timeout) throws InterruptedException {
        over.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void next(T item) {
        items.accept(item);
    }

    @Override
    public void end(Throwable error) {
        over.countDown();
        ended.accept(error);
    }

    /** Closes the engine stream (once it was opened) and stops counting it. */
    public void close(AtomicInteger openStreams) {
        try {
            Objects.requireNonNull(subscription, "never opened").close();
        } catch (RuntimeException e) {
            log.debug("closing a stream on {}: {}", containerId, e.toString());
        }
        openStreams.decrementAndGet();
    }
}
