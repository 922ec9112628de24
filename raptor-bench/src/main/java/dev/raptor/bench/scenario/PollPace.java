package dev.raptor.bench.scenario;

import java.util.concurrent.locks.LockSupport;

/**
 * When the storm's polls are meant to start: at a fixed rate ({@code --poll-rate}, polls a second), or back to back
 * ({@code 0}). A paced poll is timed from its intended start, not from its send (coordinated omission corrected): a poll
 * held up behind a slow one, or by the polling thread's own wait for a CPU, counts its delay, and a stall of the daemon
 * shows in full in the poll meant to start when it began, however few polls the rate makes. Late polls are not skipped:
 * they go out back to back until the schedule is caught up, each with its own intended start.
 */
final class PollPace {
    private final long intervalNanos;
    private long next;

    /** @param perSecond polls a second; 0 for back to back */
    PollPace(int perSecond) {
        requireRate(perSecond);
        this.intervalNanos = perSecond == 0 ? 0 : 1_000_000_000L / perSecond;
    }

    /** Refuses a rate below 0 ({@code --poll-rate}'s value). */
    static void requireRate(int perSecond) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("--poll-rate must be 0 (back to back) or a number of polls a second (was " + perSecond + ")");
        }
    }

    boolean backToBack() {
        return intervalNanos == 0;
    }

    /**
     * Waits until the next poll's intended start and returns it ({@link System#nanoTime()}); back to back, returns now. The
     * first call starts the schedule.
     */
    long awaitNext() {
        long now = System.nanoTime();
        if (intervalNanos == 0) {
            return now;
        }
        if (next == 0) {
            next = now;
        }
        long intended = next;
        next += intervalNanos;
        long wait;
        while ((wait = intended - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
        return intended;
    }
}
