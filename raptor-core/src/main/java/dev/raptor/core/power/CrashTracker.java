package dev.raptor.core.power;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;

/**
 * Decides what follows when a server exits while it was meant to run and nobody asked it to stop: it
 * stays offline (its restart policy says so), it is restarted after an exponential backoff, or it has
 * crashed too often within the crash window and is declared crash-looping, staying offline until an
 * operator starts it again (which {@link #reset forgets} the crashes). Raptor supervises restarts itself
 * so that backoff, crash loops and the desired state live in one place. Thread-safe: crashes are
 * counted on the controller's thread and forgotten on the submitter's.
 */
final class CrashTracker {
    private final Duration window;
    private final IntFunction<Duration> backoff;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Instant> crashes = new ArrayDeque<>();

    /**
     * @param window  crashes older than this are forgotten
     * @param backoff the delay before the n-th restart (1-based)
     */
    CrashTracker(Duration window, IntFunction<Duration> backoff) {
        this.window = window;
        this.backoff = backoff;
    }

    /** What happens after an unrequested exit. */
    sealed interface Verdict {
        /** No restart: the policy does not restart after this exit, or the server is no longer meant to run. */
        record StaysOffline() implements Verdict {
        }

        /** Restart after {@code backoff}; {@code attempt} counts the crashes within the window, this one included. */
        record Restart(int attempt, Duration backoff) implements Verdict {
        }

        /** More crashes within the window than the policy allows restarts: stay offline. */
        record CrashLoop(int crashes) implements Verdict {
        }
    }

    /**
     * @param at         when it exited
     * @param meantToRun whether the desired state still is running
     */
    Verdict onExit(Instant at, int exitCode, RestartPolicy policy, boolean meantToRun) {
        if (!meantToRun || !policy.restartsAfter(exitCode)) {
            return new Verdict.StaysOffline();
        }
        int n = record(at);
        return n > policy.maxRetries() ? new Verdict.CrashLoop(n) : new Verdict.Restart(n, backoff.apply(n));
    }

    private int record(Instant at) {
        lock.lock();
        try {
            while (!crashes.isEmpty() && crashes.peekFirst().isBefore(at.minus(window))) {
                crashes.pollFirst();
            }
            crashes.addLast(at);
            return crashes.size();
        } finally {
            lock.unlock();
        }
    }

    /** An operator wants the server running again: past crashes no longer count. */
    void reset() {
        lock.lock();
        try {
            crashes.clear();
        } finally {
            lock.unlock();
        }
    }

    Duration window() {
        return window;
    }
}
