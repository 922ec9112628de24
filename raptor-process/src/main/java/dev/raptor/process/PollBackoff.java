package dev.raptor.process;

/**
 * The pauses of a polling loop that waits for something which usually happens soon after the loop begins (a
 * just-spawned supervisor writing main.pid, a signalled server's exit, a new server's first lines) and may
 * also not happen for a long time: the first look follows at once, each pause is half as long again as the
 * one before, up to the loop's ordinary interval. An event is seen at most a third of the time already waited
 * after it happened (never later than one ordinary interval), at the cost of about a dozen extra looks per
 * wait. The supervisor outlives the daemon and is not its child after a restart, so the daemon looks for these
 * facts in the record. (Waits woken by the kernel's reports instead, a pidfd per supervisor and inotify on the
 * records, measured slower than these looks in every quiet run on 2 cores, and were removed.)
 */
final class PollBackoff {
    private static final long FLOOR_MICROS = 1_000;

    private final long ceilingMicros;
    /** Until the pauses add up to this, each is the floor: the span in which the awaited thing usually happens. */
    private long denseMicros;
    private long nextMicros = FLOOR_MICROS;

    /** @param ceilingMillis the loop's ordinary interval, the longest pause */
    PollBackoff(long ceilingMillis) {
        this(0, ceilingMillis);
    }

    /**
     * Pauses of one millisecond until they add up to {@code denseMillis}, then growing as above. For a wait whose
     * event usually comes within that span (a start's main.pid, a signalled server's exit, a boot's first lines):
     * there a pause is latency, seen at most a millisecond late instead of up to a third of the time waited, for a
     * look or so more per wait; a wait that lasts longer costs no more looks than before.
     *
     * @param denseMillis   how long the looks stay a millisecond apart
     * @param ceilingMillis the loop's ordinary interval, the longest pause
     */
    PollBackoff(long denseMillis, long ceilingMillis) {
        this.ceilingMicros = Math.max(FLOOR_MICROS, ceilingMillis * 1_000);
        this.denseMicros = Math.max(0, denseMillis * 1_000);
    }

    /** Sleeps the next pause (at most {@code limitMillis}, at least one millisecond) and lengthens the one after. */
    void pause(long limitMillis) {
        long micros = next(limitMillis);
        try {
            Thread.sleep(java.time.Duration.ofNanos(micros * 1_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Pause.Interrupted(e);
        }
    }

    /** The next pause in microseconds (at most {@code limitMillis}, at least one millisecond), without sleeping it; lengthens the one after. */
    long next(long limitMillis) {
        long micros = Math.min(nextMicros, Math.max(1, limitMillis) * 1_000);
        if (denseMicros > 0) {
            denseMicros -= micros;
        } else {
            nextMicros = Math.min(ceilingMicros, nextMicros + nextMicros / 2);
        }
        return micros;
    }

    /** Sleeps the next pause and lengthens the one after. */
    void pause() {
        pause(Long.MAX_VALUE / 1_000_000);
    }

    /** Something happened and more may follow soon: the next pause is {@code millis} (at most the ordinary interval) and grows again from there. */
    void restartAt(long millis) {
        nextMicros = Math.min(ceilingMicros, Math.max(FLOOR_MICROS, millis * 1_000));
    }
}
