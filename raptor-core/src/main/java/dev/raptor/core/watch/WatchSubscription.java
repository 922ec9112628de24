package dev.raptor.core.watch;

import dev.raptor.core.runtime.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One subscriber of a {@link ServerWatch}: the virtual thread that hands what the watch publishes to one
 * listener, and the life of that thread (rule 7). Its owner closes it; the hub may end it first (deletion,
 * shutdown), and then the listener hears why. A listener that blocks stops only this thread.
 *
 * <p>Subclasses say how data is delivered ({@link #deliverUntilClosed}); what starting, stopping, waking,
 * leaving the watch and telling the listener about the end mean is the same for every kind of watch.
 */
public abstract class WatchSubscription implements Subscription {
    private static final Logger log = LoggerFactory.getLogger(WatchSubscription.class);

    private final ServerWatch<?, ?> watch;
    private final WatchListener listener;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private volatile WatchListener.EndReason endedBy;
    private final Thread thread;

    /** @param what names the delivery thread, {@code <what>-subscriber-<server id>} */
    protected WatchSubscription(ServerWatch<?, ?> watch, WatchListener listener, String what) {
        this.watch = watch;
        this.listener = listener;
        this.thread = Thread.ofVirtual().name(what + "-subscriber-" + watch.serverId()).unstarted(this::run);
    }

    final void start() {
        thread.start();
    }

    public final UUID serverId() {
        return watch.serverId();
    }

    @Override
    public final boolean isOpen() {
        return open.get();
    }

    /** Ends the delivery thread and leaves the watch; the last subscriber to leave ends the watch and its engine stream. */
    @Override
    public final void close() {
        if (stop()) {
            watch.leave(this);
        }
    }

    /** The hub ended this subscription: the listener hears {@code reason} (none when null) as the thread ends. */
    final void endByHub(WatchListener.EndReason reason) {
        endedBy = reason;
        stop();
    }

    private boolean stop() {
        if (!open.compareAndSet(true, false)) {
            return false;
        }
        watch.wakeSubscribers();
        return true;
    }

    /** Waits (bounded) for the delivery thread to finish, e.g. in tests counting threads. */
    public final boolean awaitTermination(Duration timeout) throws InterruptedException {
        return !thread.isAlive() || thread.join(timeout);
    }

    /** Interrupts a delivery stuck in its listener (a write that will never finish). */
    final void interrupt() {
        thread.interrupt();
    }

    /**
     * Delivers until {@link #isOpen()} turns false (then returns) or the thread is interrupted. Runs on the
     * subscription's own thread; waits on the watch's conditions, which the watch signals on close.
     */
    protected abstract void deliverUntilClosed() throws InterruptedException;

    /** Calls the listener; a listener that throws loses that call only. */
    protected final void call(Runnable listenerCall) {
        try {
            listenerCall.run();
        } catch (RuntimeException e) {
            log.debug("server={} {} listener failed: {}", serverId(), thread.getName(), e.toString());
        }
    }

    private void run() {
        try {
            deliverUntilClosed();
        } catch (InterruptedException e) {
            // ended
        } finally {
            WatchListener.EndReason reason = endedBy;
            if (reason != null) {
                call(() -> listener.ended(reason));
            }
        }
    }
}
