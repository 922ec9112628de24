package dev.raptor.core.power;

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
    private final int size;
    private final Duration maxWait;
    private final Semaphore free;
    private final AtomicInteger waiting = new AtomicInteger();

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
        waiting.incrementAndGet();
        boolean got;
        try {
            got = op.interruptibly(() -> {
                try {
                    return free.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    throw new Submission.Cancelled();
                }
            });
        } finally {
            waiting.decrementAndGet();
        }
        if (!got) {
            throw new Submission.Failure("the " + what + " of server " + id + " waited " + spoken(maxWait)
                    + " for the engine, which was busy with other servers' creates, starts and removals (all "
                    + size + " engine slots, the setting engineSlots, were taken the whole time)");
        }
        return new Slot();
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
