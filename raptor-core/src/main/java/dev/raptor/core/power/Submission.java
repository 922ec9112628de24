package dev.raptor.core.power;

import dev.raptor.core.operation.FinishedOperation;
import dev.raptor.core.operation.PendingOperation;
import dev.raptor.core.server.ServerState;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One submitted intent on its way through a controller (queued, then in hand): the future its submitter holds (completed exactly
 * once), its cancellation by a later intent, and the waits of its work, which a cancellation cuts short.
 *
 * <p>Pre-emption cancels by flag and wakes the operation's waits at once. It interrupts the controller's
 * thread only inside a call made {@link #interruptibly} (waiting for an exit, creating a container): a
 * mutating engine call in flight (start, signal, kill) is allowed to finish within its deadline, so an
 * abandoned call can never land on the next run of the server. The interrupt is sent and cleared under
 * this operation's lock, so none leaks past the call it was aimed at.
 *
 * <p>A journaled operation's answer is written in the commit of the state its action ends in ({@link #settledIn},
 * {@link #removed}): the answer is decided first (a pre-emption after that no longer changes it), then committed, and
 * only then delivered ({@link #answer}), so the submitter never hears an answer the disk does not hold yet.
 */
final class Submission {
    final Intent intent;
    /** The journaled operation that asks for it; null when none. */
    final PendingOperation operation;
    private final CompletableFuture<PowerResult> future = new CompletableFuture<>();
    /** The answer, once decided; the future gets it when it is decided by {@link #complete}, or at {@link #answer}. */
    private final AtomicReference<PowerResult> decided = new AtomicReference<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile boolean cancelled;
    private volatile Intent cancelledBy;
    /** A maintenance's work is over and the state it leaves is (being) shown: later operator intents queue, not refused. */
    private volatile boolean settling;
    /** Guarded by {@link #lock}: the thread inside a call it may be interrupted out of; null when none. */
    private Thread interruptible;
    /** Guarded by {@link #lock}: the engine hinted at an exit (an exit event, a log stream's end) since the last look. */
    private boolean poked;

    Submission(Intent intent) {
        this(intent, null);
    }

    Submission(Intent intent, PendingOperation operation) {
        this.intent = intent;
        this.operation = operation;
    }

    CompletableFuture<PowerResult> future() {
        return future;
    }

    /** Whether its answer is given or decided. */
    boolean isDone() {
        return decided.get() != null;
    }

    /** Answers the submitter, unless an answer was decided already: later answers are ignored. */
    void complete(PowerResult result) {
        if (decided.compareAndSet(null, result)) {
            future.complete(result);
        }
    }

    /** The work is over: answers the submitter with the answer decided during it ({@link #settledIn}), else {@code result}. */
    void answer(PowerResult result) {
        complete(result);
        future.complete(decided.get());
    }

    /**
     * The action reaches {@code state}: when that is the state its intent ends in (running for a start or restart,
     * offline for a stop or kill) and it is a journaled operation nobody has answered yet, decides its answer, done in
     * {@code state}, and returns it to write in that state's commit ({@link #answer} delivers it once the work returns).
     * Null otherwise.
     */
    FinishedOperation settledIn(ServerState state) {
        boolean ends = intent instanceof Intent.Power(PowerAction a) && switch (a) {
            case START, RESTART -> state == ServerState.RUNNING;
            case STOP, KILL -> state == ServerState.OFFLINE;
        };
        return ends ? decideDone(state) : null;
    }

    /** A delete removes the server: as {@link #settledIn}, its answer (done, offline) to write with the removal. */
    FinishedOperation removed() {
        return intent instanceof Intent.Delete ? decideDone(ServerState.OFFLINE) : null;
    }

    private FinishedOperation decideDone(ServerState state) {
        if (operation == null) {
            return null;
        }
        FinishedOperation answer = operation.done(state.wireName());
        return decided.compareAndSet(null, new PowerResult.Done(intent, state)) ? answer : null;
    }

    /** A commit holds {@code answer} (from {@link #settledIn} or {@link #removed}; null: none): nobody need write it again. */
    void written(FinishedOperation answer) {
        if (answer != null) {
            operation.answered(answer);
        }
    }

    /**
     * The commit that was to hold {@code answer} (null: none) failed, and the work fails with it: the decision is
     * undone, so that the work's own answer (failed, or superseded if it was pre-empted meanwhile) is the one given.
     */
    void undecide(FinishedOperation answer) {
        if (answer != null) {
            decided.set(null);
        }
    }

    void fail(String reason) {
        complete(new PowerResult.Failed(intent, reason));
    }

    /**
     * A later intent pre-empts this one ({@code by} null: the daemon is shutting down). The submitter hears at
     * once; the work stops at its next {@link #check}, its waits wake, and an abandonable call is interrupted.
     */
    void cancel(Intent by) {
        cancelledBy = by;
        // answered before the work can see the flag, so its own (later) answer never wins
        complete(by != null ? new PowerResult.Superseded(intent, by) : new PowerResult.Failed(intent, "the daemon is shutting down"));
        cancelled = true;
        locked(() -> {
            changed.signalAll();
            if (interruptible != null) {
                interruptible.interrupt();
            }
        });
    }

    /**
     * Marks a maintenance whose work is over: what it leaves ({@code offline}, {@code install-failed}) is about to be
     * shown, and an operator who reads it and asks for a start must not be refused as if the work still ran; such an
     * intent queues behind the few steps left instead.
     */
    void settling() {
        settling = true;
    }

    boolean isSettling() {
        return settling;
    }

    boolean cancelled() {
        return cancelled;
    }

    /** The answer of a cancelled operation: superseded by the intent that cancelled it. */
    PowerResult superseded() {
        return new PowerResult.Superseded(intent, cancelledBy);
    }

    /** @throws Cancelled when the operation was pre-empted */
    void check() {
        if (cancelled) {
            throw new Cancelled();
        }
    }

    /**
     * Runs a call that may be abandoned when a pre-empting intent arrives. Only reads and creates (the
     * controller heals an abandoned create by adopting what it left) go through here.
     */
    <T> T interruptibly(Supplier<T> call) {
        locked(() -> {
            check();
            interruptible = Thread.currentThread();
        });
        try {
            return call.get();
        } finally {
            locked(() -> {
                interruptible = null;
                Thread.interrupted();
            });
        }
    }

    /** Waits {@code d}, or until cancelled. */
    void pause(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        lock.lock();
        try {
            long left;
            while ((left = end - System.nanoTime()) > 0) {
                check();
                changed.awaitNanos(left);
            }
            check();
        } catch (InterruptedException e) {
            throw new Cancelled();
        } finally {
            lock.unlock();
        }
    }

    /** The engine hinted that the server's container may have stopped: wake the wait. */
    void poke() {
        locked(() -> {
            poked = true;
            changed.signalAll();
        });
    }

    /** Forgets earlier hints (a new run is about to start). */
    void clearPoke() {
        locked(() -> poked = false);
    }

    /** Wakes the wait to look at its condition again. */
    void wake() {
        locked(changed::signalAll);
    }

    private void locked(Runnable change) {
        lock.lock();
        try {
            change.run();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits at most {@code max} for {@code done}, a {@link #poke} or a cancellation, and consumes the poke.
     * The condition is read under the lock its setters {@link #wake} through, so no wake-up is lost.
     *
     * @throws Cancelled when the operation was pre-empted
     */
    void awaitChange(Duration max, BooleanSupplier done) {
        lock.lock();
        try {
            if (!done.getAsBoolean() && !poked && !cancelled) {
                changed.await(max.toMillis(), TimeUnit.MILLISECONDS);
            }
            check();
            poked = false;
        } catch (InterruptedException e) {
            throw new Cancelled();
        } finally {
            lock.unlock();
        }
    }

    /** The operation in flight was pre-empted; unwinds it without counting as a failure. */
    static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    /** An operation failed for a reason worth telling the operator verbatim. */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }
}
