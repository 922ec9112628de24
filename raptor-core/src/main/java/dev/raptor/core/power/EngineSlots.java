package dev.raptor.core.power;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many heavy engine calls (a container's create, start and removal) a fleet's controllers have in flight at once.
 *
 * <p>Why: a hundred recreates at once (issue 22's storm, a panel applying a new image to every server) sent a hundred
 * creates and then a hundred starts to the engine together. The engine (vfs copying every layer, a shim per start)
 * then answered none of them quickly, and the starts that waited longest failed at their own 30 s deadline while the
 * restart policy brought the servers back later: the operator's operation said {@code failed} for work the daemon's
 * own burst had made slow. Each call now waits for a slot first, in the order they asked (a fair semaphore), and its
 * deadline starts only once it holds one: the engine gets a few calls at a time, each of which it answers in time.
 *
 * <p>The wait is bounded ({@link ControllerSettings#slotWait}): past it the intent fails, saying that the engine was
 * busy with other servers' calls. It is a wait of its operation, cut short by a pre-emption: a kill or a stop
 * cancels the start waiting here, which leaves the queue at once. Kills, signals, stops and every read never take a
 * slot, so nothing that ends a server ever queues behind creates.
 *
 * <p>A slot is held for the call only (never across a boot wait): a create left behind by a pre-empted start keeps its
 * slot until the engine answers it, since the engine works on it all the same.
 */
final class EngineSlots {
    private static final Logger log = LoggerFactory.getLogger(EngineSlots.class);
    /** A busy spell with at least this many calls in flight at once is worth a line when it ends (queued or not). */
    private static final int BURST = 8;

    private final int size;
    private final Duration maxWait;
    private final Semaphore free;
    private final AtomicInteger waiting = new AtomicInteger();
    /** The current busy spell (from the first slot taken to the last given back): for its one log line. */
    private final AtomicInteger peakInUse = new AtomicInteger();
    private final AtomicInteger peakWaiting = new AtomicInteger();
    private final AtomicInteger waited = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong longestWaitNanos = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong spellStart = new java.util.concurrent.atomic.AtomicLong();

    EngineSlots(int size, Duration maxWait) {
        if (size < 1) {
            throw new IllegalArgumentException("engine slots must be at least 1, not " + size);
        }
        this.size = size;
        this.maxWait = maxWait;
        this.free = new Semaphore(size, true);
    }

    EngineSlots(ControllerSettings settings) {
        this(settings.engineSlots(), settings.slotWait());
    }

    /** One slot, held until closed (closing more than once gives it back once). */
    final class Slot implements AutoCloseable {
        private final AtomicBoolean held = new AtomicBoolean(true);

        private Slot() {
        }

        @Override
        public void close() {
            if (held.compareAndSet(true, false)) {
                free.release();
                if (free.availablePermits() == size) {
                    spellOver();
                }
            }
        }
    }

    /**
     * Waits for a slot for {@code what} (a create, start or removal of server {@code id}) as a wait of {@code op}.
     *
     * @throws Submission.Cancelled when {@code op} is pre-empted meanwhile (it leaves the queue)
     * @throws Submission.Failure   when no slot came free within the bound
     */
    Slot take(Submission op, UUID id, String what) {
        long asked = System.nanoTime();
        if (!op.interruptibly(() -> acquire(0))) { // a fair zero wait: never ahead of those already queued
            peakWaiting.accumulateAndGet(waiting.incrementAndGet(), Math::max);
            boolean got;
            try {
                got = op.interruptibly(() -> acquire(maxWait.toNanos()));
            } finally {
                waiting.decrementAndGet();
            }
            if (!got) {
                throw new Submission.Failure("the " + what + " of server " + id + " waited " + spoken(maxWait)
                        + " for the engine, which was busy with other servers' creates, starts and removals (all "
                        + size + " engine slots, the setting engineSlots, were taken the whole time)");
            }
            waited.incrementAndGet();
            longestWaitNanos.accumulateAndGet(System.nanoTime() - asked, Math::max);
        }
        spellStart.compareAndSet(0, asked);
        peakInUse.accumulateAndGet(inUse(), Math::max);
        return new Slot();
    }

    private boolean acquire(long nanos) {
        try {
            return free.tryAcquire(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw new Submission.Cancelled();
        }
    }

    /**
     * Every slot is free again: a spell that was a burst (many calls at once, or any waiting) says what it was, so that
     * an operator (and the storm's measurement) sees how far the engine was held back. Counters of a spell racing with
     * the next one's first take may blur; they are a report, not a decision.
     */
    private void spellOver() {
        int peak = peakInUse.getAndSet(0);
        int queued = peakWaiting.getAndSet(0);
        int slowed = waited.getAndSet(0);
        long longest = longestWaitNanos.getAndSet(0);
        long began = spellStart.getAndSet(0);
        if (peak >= Math.min(BURST, size) && (slowed > 0 || peak >= BURST)) {
            log.info("engine slots: a busy spell of creates, starts and removals is over: at most {} of {} slots in use at once, "
                            + "at most {} calls waiting, {} waited (the longest {} ms), {} ms from its first call to its last",
                    peak, size, queued, slowed, longest / 1_000_000, began == 0 ? -1 : (System.nanoTime() - began) / 1_000_000);
        }
    }

    private static String spoken(Duration d) {
        return d.toMillis() < 1000 ? d.toMillis() + " ms" : d.toSeconds() + " s";
    }

    /** Slots held now. */
    int inUse() {
        return size - free.availablePermits();
    }

    /** Calls waiting for a slot now. */
    int waiting() {
        return waiting.get();
    }

    int size() {
        return size;
    }
}
