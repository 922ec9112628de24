package dev.raptor.core.watch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * What the console and the resource readings of one watched server share: the subscribers, and the pump,
 * one virtual thread that alone calls the engine for this server, taking commands (engine news routed by the
 * hub) in order, so that opening, handing over and closing engine streams never overlap. A watch exists
 * while the server has subscribers (rule 7): its hub creates it for the first and ends it when the last
 * leaves, when the server is deleted and when the hub closes.
 *
 * <p>{@link #lock} guards the subscribers, the commands and whatever a subclass guards with it; it is held
 * for memory operations only, never across an engine call, so no subscriber and no engine reader thread
 * can be kept waiting by the engine.
 *
 * @param <S> the subscriptions
 */
public abstract class ServerWatch<S> {
    private static final Logger log = LoggerFactory.getLogger(ServerWatch.class);

    /** What {@link #nextCommand} answers once the watch ends: the pump returns. */
    private static final Object ENDED = new Object();

    protected final UUID serverId;
    /** Guards the subscribers, the commands and the subclass's shared state; subscribers wait on its conditions. */
    public final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final List<S> subscribers = new ArrayList<>();
    private final ArrayDeque<Object> commands = new ArrayDeque<>();
    private final String what;
    private boolean ending;
    private final Thread pump;
    private final AtomicBoolean started = new AtomicBoolean();

    /** @param what a name for logs and the pump thread, e.g. "console" */
    protected ServerWatch(UUID serverId, String what) {
        this.serverId = serverId;
        this.what = what;
        this.pump = Thread.ofVirtual().name(what + "-" + serverId).unstarted(this::runPump);
    }

    public final UUID serverId() {
        return serverId;
    }

    /** Starts the pump (once). */
    public final void start() {
        if (started.compareAndSet(false, true)) {
            pump.start();
        }
    }

    /** Whether {@link #start()} was called. */
    protected final boolean pumpStarted() {
        return started.get();
    }

    // ------------------------------------------------------------------ subscribers

    /** Adds the subscriber {@code make} creates (under the lock); null, and nothing made, if this watch is ending. */
    protected final S add(Supplier<S> make) {
        lock.lock();
        try {
            if (ending) {
                return null;
            }
            S s = make.get();
            subscribers.add(s);
            return s;
        } finally {
            lock.unlock();
        }
    }

    /** @return whether no subscriber is left */
    public final boolean remove(S s) {
        lock.lock();
        try {
            subscribers.remove(s);
            return subscribers.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    public final int subscriberCount() {
        lock.lock();
        try {
            return subscribers.size();
        } finally {
            lock.unlock();
        }
    }

    public final List<S> subscribers() {
        lock.lock();
        try {
            return List.copyOf(subscribers);
        } finally {
            lock.unlock();
        }
    }

    /** The subscribers, not copied: the caller holds {@link #lock} while it looks. */
    protected final List<S> subscribersLocked() {
        return Collections.unmodifiableList(subscribers);
    }

    // ------------------------------------------------------------------ ending

    /**
     * Ends this watch: queued commands are dropped, the pump closes its stream and returns, and nobody can
     * subscribe any more.
     *
     * @return the subscribers still attached, for the caller to end with its reason
     */
    protected final List<S> endWatch() {
        lock.lock();
        try {
            ending = true;
            List<S> left = List.copyOf(subscribers);
            subscribers.clear();
            commands.clear();
            wake.signalAll();
            onEnding();
            return left;
        } finally {
            lock.unlock();
        }
    }

    /** Called under the lock as the watch ends: wake whoever waits on the subclass's own conditions. */
    protected void onEnding() {
    }

    /** Whether the watch is ending; the caller holds {@link #lock}. */
    protected final boolean endingLocked() {
        return ending;
    }

    /** Waits (bounded) for the pump to return; true at once if it never started. */
    public final boolean awaitTermination(Duration timeout) throws InterruptedException {
        return !started.get() || pump.join(timeout);
    }

    // ------------------------------------------------------------------ the pump

    /** Queues a command for the pump; dropped once the watch is ending. */
    protected final void post(Object command) {
        lock.lock();
        try {
            if (!ending) {
                commands.addLast(command);
                wake.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Work before the first command (e.g. reading history). Runs on the pump thread. */
    protected void pumpStarting() throws InterruptedException {
    }

    /** How long the pump waits for the next command before {@link #onCommand} gets null; null = until one comes. */
    protected abstract Duration nextWait();

    /** One command, in the order posted; null when {@link #nextWait()} ran out first. Runs on the pump thread. */
    protected abstract void onCommand(Object command) throws InterruptedException;

    /** Runs on the pump thread as it ends, however it ends: close whatever engine stream is open. */
    protected abstract void pumpEnded();

    /** The next command, waiting at most {@code timeout} (null: as long as it takes); null if none came, {@link #ENDED} once ending. */
    private Object nextCommand(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long end = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
            while (!ending && commands.isEmpty()) {
                if (timeout == null) {
                    wake.await();
                } else {
                    long left = end - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    wake.awaitNanos(left);
                }
            }
            return ending ? ENDED : commands.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    private void runPump() {
        try {
            pumpStarting();
            while (true) {
                Object command = nextCommand(nextWait());
                if (command == ENDED) {
                    return;
                }
                onCommand(command);
            }
        } catch (InterruptedException e) {
            // shutting down
        } catch (RuntimeException e) {
            log.error("server={} {} pump failed; it stays silent until the server's next first subscriber", serverId, what, e);
        } finally {
            pumpEnded();
        }
    }
}
