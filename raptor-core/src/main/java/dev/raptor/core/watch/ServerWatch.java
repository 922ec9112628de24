package dev.raptor.core.watch;

import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.mailbox.Mailbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * What the console and the resource readings of one watched server share: the subscribers, and the pump,
 * one virtual thread that alone calls the engine for this server, taking its {@link Mailbox} of typed
 * commands (engine news routed by the hub, its own timers) in order, so that opening, handing over and
 * closing engine streams never overlap. A watch exists while the server has subscribers (rule 7): its
 * {@link WatchRegistry} creates it for the first, and it ends when the last leaves, when the server is
 * deleted and when the hub closes.
 *
 * <p>{@link #lock} guards the subscribers and whatever a subclass guards with it; it is held for memory
 * operations only, never across an engine call, so no subscriber and no engine reader thread can be kept
 * waiting by the engine. Only this class and its subclass take it: subscriptions ask the watch.
 *
 * @param <S> the subscriptions
 * @param <C> the pump's commands
 */
public abstract class ServerWatch<S extends WatchSubscription, C> {
    private static final Logger log = LoggerFactory.getLogger(ServerWatch.class);
    /** Engine news arrives a few commands per run of a server; a full mailbox means a stuck pump, and is logged. */
    private static final int COMMANDS = 1024;

    protected final UUID serverId;
    /** Guards the subscribers and the subclass's shared state; subscribers wait on its conditions. */
    protected final ReentrantLock lock = new ReentrantLock();
    private final List<S> subscribers = new ArrayList<>();
    private final Mailbox<C> mailbox = new Mailbox<>(COMMANDS);
    private final String what;
    private boolean ending;
    private volatile WatchRegistry<?, ?> registry;
    private final Thread pump;
    private final AtomicBoolean started = new AtomicBoolean();

    /** @param what a name for logs and the threads, e.g. "console" */
    protected ServerWatch(UUID serverId, String what) {
        this.serverId = serverId;
        this.what = what;
        this.pump = Thread.ofVirtual().name(what + "-" + serverId).unstarted(this::runPump);
    }

    public final UUID serverId() {
        return serverId;
    }

    /** Called once by the registry that holds this watch, before anybody can subscribe. */
    final void heldBy(WatchRegistry<?, ?> registry) {
        this.registry = registry;
    }

    /** Starts the pump (once). */
    final void start() {
        if (started.compareAndSet(false, true)) {
            pump.start();
        }
    }

    /** Whether the pump was started. */
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

    /**
     * A subscriber closed itself. The last one to leave ends the watch: nobody can join it from that moment
     * (a concurrent subscribe makes a new watch), and its stream closes.
     */
    final void leave(WatchSubscription s) {
        boolean last;
        lock.lock();
        try {
            last = subscribers.remove(s) && subscribers.isEmpty() && !ending;
            if (last) {
                ending = true;
            }
        } finally {
            lock.unlock();
        }
        if (last) {
            WatchRegistry<?, ?> r = registry;
            if (r != null) {
                r.forget(this);
            }
            end(null);
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

    /** Wakes the subscribers waiting on the subclass's conditions (one of them closed, or the watch ends). */
    final void wakeSubscribers() {
        lock.lock();
        try {
            signalSubscribers();
        } finally {
            lock.unlock();
        }
    }

    /** Called under the lock: signal every condition subscribers wait on. */
    protected abstract void signalSubscribers();

    // ------------------------------------------------------------------ ending

    /**
     * Ends this watch: queued commands and timers are dropped, the pump closes its stream and returns, and
     * nobody can subscribe any more. The subscribers still attached are ended, hearing {@code reason}
     * (deletion, shutdown; null when the last one left by itself and none remain).
     */
    final void end(WatchListener.EndReason reason) {
        List<S> left;
        lock.lock();
        try {
            ending = true;
            left = List.copyOf(subscribers);
            subscribers.clear();
            signalSubscribers();
        } finally {
            lock.unlock();
        }
        mailbox.close();
        onEnded();
        for (S s : left) {
            s.endByHub(reason);
        }
    }

    /** An event the registry routes to the watched server's watch (on the bus's thread: post, don't work). */
    protected void onServerEvent(ServerEvent event) {
    }

    /** Called once the watch has ended (not under the lock). */
    protected void onEnded() {
    }

    /** Whether the watch is ending. */
    protected final boolean ending() {
        lock.lock();
        try {
            return ending;
        } finally {
            lock.unlock();
        }
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
    protected final void post(C command) {
        if (!mailbox.offer(command) && !mailbox.isClosed()) {
            log.warn("server={} {} pump is {} commands behind; dropped {}", serverId, what, COMMANDS, command);
        }
    }

    /** Delivers {@code command} to the pump after {@code delay} (dropped once the watch is ending). */
    protected final Mailbox.Timer schedule(C command, Duration delay) {
        return mailbox.schedule(command, delay);
    }

    /** Work before the first command (e.g. reading history). Runs on the pump thread. */
    protected void pumpStarting() throws InterruptedException {
    }

    /** One command, in the order posted, or a timer that came due. Runs on the pump thread. */
    protected abstract void onCommand(C command) throws InterruptedException;

    /** Runs on the pump thread as it ends, however it ends: close whatever engine stream is open. */
    protected abstract void pumpEnded();

    private void runPump() {
        try {
            pumpStarting();
            C command;
            while ((command = mailbox.take()) != null) {
                onCommand(command);
                mailbox.done();
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
