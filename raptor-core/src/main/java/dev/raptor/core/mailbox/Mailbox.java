package dev.raptor.core.mailbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The inbox of one single-threaded worker (an actor): commands of one type, taken in order by one thread,
 * posted by any. Raptor's workers (a server's controller, the console and stats watches of a server, a
 * console socket) all have the same needs, and each once had its own hand-made queue, lock and condition;
 * this is the one they share.
 *
 * <ul>
 *   <li><b>Bounded</b> (rule 7): {@link #offer} refuses a command once {@code capacity} wait, and says so;
 *       the poster decides what a refusal means (answer it, count it, tell the client).</li>
 *   <li><b>Admission</b>: {@link #offer(Object, Admission)} lets the poster look at the queued commands and the
 *       one in hand, atomically with the enqueue: that is how intents coalesce and pre-empt (see
 *       {@code ServerController}), with no second lock to keep in step with this one.</li>
 *   <li><b>Timers</b>: {@link #schedule} delivers a command to the worker itself after a delay (a tick, a
 *       timeout, a re-check), in the same order of events as everything else, without a thread of its own.
 *       Queued commands go before timers that are due.</li>
 *   <li><b>Closable</b>: {@link #close} hands back what was never taken, so the owner can answer it, and
 *       from then on {@link #take} answers {@code null} and offers are refused.</li>
 * </ul>
 * The lock is held for memory operations only (and for the poster's {@link Admission}, which must be quick
 * and must not call back into this mailbox); the worker waits on it with nothing else held.
 *
 * @param <C> the commands
 */
public final class Mailbox<C> {
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<C> queue = new ArrayList<>();
    private final PriorityQueue<Scheduled<C>> timers = new PriorityQueue<>();
    private long timerSeq;
    private C inHand;
    private boolean closed;

    /** @param capacity how many commands may wait at once (timers do not count) */
    public Mailbox(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
    }

    /**
     * Decides, atomically with the enqueue, what an arriving command does: it may remove commands from
     * {@code queued} (it is the queue itself, oldest first) and look at the one the worker has in hand.
     */
    @FunctionalInterface
    public interface Admission<C> {
        /** @return whether the arriving command joins the queue */
        boolean admit(List<C> queued, C inHand);
    }

    /** A pending delayed delivery. */
    public interface Timer {
        /** @return whether the command was still pending (and now never will be delivered) */
        boolean cancel();
    }

    /**
     * Queues {@code command}.
     *
     * @return false, and nothing queued, when the mailbox is full or closed
     */
    public boolean offer(C command) {
        return offer(command, (queued, inHand) -> true);
    }

    /**
     * Queues {@code command} if {@code admission} lets it in (it runs under the mailbox's lock first).
     *
     * @return whether it was queued: false when the admission kept it out, when the mailbox is full (checked
     *         after the admission, which may have made room), or when it is closed (then the admission is
     *         not asked)
     */
    public boolean offer(C command, Admission<C> admission) {
        Objects.requireNonNull(command, "command");
        lock.lock();
        try {
            if (closed || !admission.admit(queue, inHand) || queue.size() >= capacity) {
                return false;
            }
            queue.add(command);
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Answers {@code question} about what is queued and in hand, atomically with offers and takes; changes nothing. */
    public <R> R inspect(java.util.function.BiFunction<List<C>, C, R> question) {
        lock.lock();
        try {
            return question.apply(java.util.Collections.unmodifiableList(queue), inHand);
        } finally {
            lock.unlock();
        }
    }

    /** Delivers {@code command} to the worker after {@code delay}, unless cancelled or closed first. */
    public Timer schedule(C command, Duration delay) {
        Objects.requireNonNull(command, "command");
        lock.lock();
        try {
            Scheduled<C> s = new Scheduled<>(this, command, System.nanoTime() + Math.max(0, delay.toNanos()), timerSeq++);
            if (!closed) {
                timers.add(s);
                changed.signalAll();
            }
            return s;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next command, waiting as long as it takes: queued ones in order, then timers as they come due.
     * It stays {@link #inHand() in hand} until {@link #done()} or the next take.
     *
     * @return the command, or null once the mailbox is closed
     * @throws InterruptedException when the worker's thread is interrupted while it waits
     */
    public C take() throws InterruptedException {
        lock.lock();
        try {
            inHand = null;
            while (true) {
                if (closed) {
                    return null;
                }
                if (!queue.isEmpty()) {
                    return inHand = queue.removeFirst();
                }
                Scheduled<C> next = timers.peek();
                if (next == null) {
                    changed.await();
                    continue;
                }
                long wait = next.dueNanos - System.nanoTime();
                if (wait <= 0) {
                    timers.poll();
                    return inHand = next.command;
                }
                changed.awaitNanos(wait);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The worker has finished with the command in hand. */
    public void done() {
        read(() -> inHand = null);
    }

    /** The command the worker took last and has not finished with; null when it is idle. */
    public C inHand() {
        // not read(() -> inHand): that lambda captures this mailbox, a new object per call, and every server's view asks
        // this on every poll of GET /servers (10% of the daemon's allocation in the bench's storm)
        lock.lock();
        try {
            return inHand;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the worker has nothing in hand and nothing queued (timers aside). */
    public boolean isIdle() {
        return read(() -> inHand == null && queue.isEmpty());
    }

    /** Commands waiting (timers aside). */
    public int size() {
        return read(queue::size);
    }

    public boolean isClosed() {
        return read(() -> closed);
    }

    private <T> T read(java.util.function.Supplier<T> under) {
        lock.lock();
        try {
            return under.get();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the mailbox: the worker's {@link #take} answers null, offers are refused, timers are dropped.
     * The command in hand stays in hand until the worker is done with it.
     *
     * @return the commands that were queued and will never be taken (empty on a second close), for the
     *         owner to answer
     */
    public List<C> close() {
        lock.lock();
        try {
            closed = true;
            List<C> left = List.copyOf(queue);
            queue.clear();
            timers.clear();
            changed.signalAll();
            return left;
        } finally {
            lock.unlock();
        }
    }

    private record Scheduled<C>(Mailbox<C> mailbox, C command, long dueNanos, long seq) implements Timer, Comparable<Scheduled<C>> {
        @Override
        public int compareTo(Scheduled<C> o) {
            int byTime = Long.compare(dueNanos - o.dueNanos, 0);
            return byTime != 0 ? byTime : Long.compare(seq, o.seq);
        }

        @Override
        public boolean cancel() {
            return mailbox.read(() -> mailbox.timers.remove(this));
        }
    }
}
