package dev.raptor.docker;

import java.io.InterruptedIOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cancellation scope of one runtime call or one stream: every thread that talks to the engine on its
 * behalf, so that {@link #cancel()} can stop all of them.
 *
 * <p>Why a thread-local: docker-java runs each streaming request (logs, stats, events, attach, pull, wait)
 * on a thread of its own that it starts inside {@code exec(callback)}, and until the engine answers the
 * headers nothing (not even the callback) has a handle to abort it. The scope is an
 * {@link InheritableThreadLocal}, so docker-java's thread inherits it from the thread that called
 * {@code exec}, and {@link EngineHttpClient} registers whichever thread performs a request here. Interrupting
 * such a thread closes the NIO channel it is blocked on, which is how a call is abandoned at its deadline.
 */
final class CallContext {
    private static final InheritableThreadLocal<CallContext> CURRENT = new InheritableThreadLocal<>();

    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelled;

    /** The scope of the calling thread, or null outside any. */
    static CallContext current() {
        return CURRENT.get();
    }

    /** Makes this the calling thread's scope and registers the thread; threads it starts inherit the scope. */
    void bindCurrentThread() {
        CURRENT.set(this);
        threads.add(Thread.currentThread());
        if (cancelled) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code action} with this scope current, restoring the previous one afterwards. */
    void runWithin(Runnable action) {
        CallContext previous = CURRENT.get();
        CURRENT.set(this);
        try {
            action.run();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /**
     * Registers the calling thread as doing engine I/O for this scope.
     *
     * @throws InterruptedIOException when the scope is already cancelled (the request is never sent)
     */
    void enter() throws InterruptedIOException {
        Thread self = Thread.currentThread();
        threads.removeIf(t -> !t.isAlive());
        threads.add(self);
        if (cancelled) {
            threads.remove(self);
            throw new InterruptedIOException("call cancelled");
        }
    }

    /** Stops every registered thread (their blocking channel operations fail) and refuses new requests. */
    void cancel() {
        cancelled = true;
        for (Thread t : threads) {
            if (t != Thread.currentThread()) {
                t.interrupt();
            }
        }
    }

    boolean cancelled() {
        return cancelled;
    }
}
