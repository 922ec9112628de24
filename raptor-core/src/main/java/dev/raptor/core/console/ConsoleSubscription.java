package dev.raptor.core.console;

import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * One subscriber of a server's console: a cursor into the server's shared {@link LineLog} and the
 * virtual thread that drains it into the {@link ConsoleListener}.
 *
 * <ul>
 *   <li><b>Bounded.</b> The queue is the lines between the cursor and the log's head. When it would
 *       exceed {@link ConsoleSettings#queueLines()}, the oldest are skipped (the log has overwritten
 *       them anyway) and counted; the listener hears the count once per episode.</li>
 *   <li><b>Batched and throttled.</b> Each delivery hands over every queued line up to
 *       {@link ConsoleSettings#maxBatchLines()}, at most {@link ConsoleSettings#maxBatchesPerSecond()}
 *       times a second, so a flood becomes fewer, larger messages rather than lost lines. The limit
 *       yields once the subscriber is half a queue behind: throttling never costs a line, only a
 *       listener slower than the output does.</li>
 *   <li><b>Shared batches.</b> Deliveries happen in ticks of the rate limit common to all subscribers
 *       of a server, and the readers of one tick cut their batches at one mark, so subscribers that
 *       keep up are handed the same {@link ConsoleListener.Batch} and a listener encodes it once for
 *       all of them ({@link ConsoleListener.Batch#shared}). A tick's batches end where the log's head
 *       was when the tick's first reader read; lines that arrive after that wait for the next tick.</li>
 *   <li><b>Isolated.</b> A listener that blocks only stops its own thread; the engine reader and the
 *       other subscribers never wait for it.</li>
 * </ul>
 */
public final class ConsoleSubscription implements Subscription {
    private static final Logger log = LoggerFactory.getLogger(ConsoleSubscription.class);
    /** A subscriber that stays behind still hears about its losses this often. */
    private static final long DROP_NOTICE_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

    private final ConsoleHub hub;
    private final ServerConsole console;
    private final ConsoleListener listener;
    private final long firstSeq;
    private final int queueLines;
    private final int maxBatch;
    private final long minIntervalNanos;

    /** Next sequence number to deliver; guarded by the console's lock. */
    private long cursor;
    /** Lines skipped at the cursor so far; guarded by the console's lock. */
    private long dropped;
    private volatile boolean open = true;
    private volatile ConsoleListener.EndReason endedBy;
    private final Thread thread;

    ConsoleSubscription(ConsoleHub hub, ServerConsole console, ConsoleListener listener, long firstSeq) {
        this.hub = hub;
        this.console = console;
        this.listener = listener;
        this.firstSeq = firstSeq;
        this.cursor = firstSeq;
        ConsoleSettings s = console.settings();
        this.queueLines = s.queueLines();
        this.maxBatch = s.maxBatchLines();
        this.minIntervalNanos = Math.max(1, s.minInterval().toNanos()); // a tick length, so never 0
        this.thread = Thread.ofVirtual().name("console-subscriber-" + console.serverId()).unstarted(this::drain);
    }

    void start() {
        thread.start();
    }

    public UUID serverId() {
        return console.serverId();
    }

    /**
     * The last {@code n} lines (at most {@link ConsoleSettings#historyLines()}) that came before this
     * subscription's first live line: history and live output join without a gap or a repeat.
     * May wait, bounded, for the server's first history read from the engine.
     */
    public List<LogLine> history(int n) {
        return n <= 0 ? List.of() : console.history(firstSeq, n);
    }

    /** Lines waiting to be delivered; never more than {@link ConsoleSettings#queueLines()}. */
    public int queueDepth() {
        console.lock.lock();
        try {
            long head = console.lines.head();
            return (int) Math.max(0, head - Math.max(cursor, oldestKept(head)));
        } finally {
            console.lock.unlock();
        }
    }

    /** Lines this subscriber lost to overflow so far, including those it is about to skip. */
    public long droppedTotal() {
        console.lock.lock();
        try {
            return dropped + Math.max(0, oldestKept(console.lines.head()) - cursor);
        } finally {
            console.lock.unlock();
        }
    }

    /** Caller holds the console's lock. */
    long cursor() {
        return cursor;
    }

    private long oldestKept(long head) {
        return Math.max(console.lines.low(), head - queueLines);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Ends the delivery thread and leaves the server's console; the last to leave closes the engine stream. */
    @Override
    public void close() {
        if (!stop()) {
            return;
        }
        hub.unsubscribe(this);
    }

    /** The hub ended this subscription (deletion, shutdown): the listener hears why. */
    void endByHub(ConsoleListener.EndReason reason) {
        endedBy = reason;
        stop();
    }

    private boolean stop() {
        if (!open) {
            return false;
        }
        open = false;
        console.lock.lock();
        try {
            console.newLines.signalAll();
            console.pressure.signalAll();
        } finally {
            console.lock.unlock();
        }
        return true;
    }

    /** Waits (bounded) for the delivery thread to finish, e.g. in tests counting threads. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return !thread.isAlive() || thread.join(timeout);
    }

    void interrupt() {
        thread.interrupt();
    }

    ServerConsole console() {
        return console;
    }

    private void drain() {
        long nextAllowed = System.nanoTime();
        long episode = 0;
        long episodeStart = 0;
        try {
            while (true) {
                ConsoleListener.Batch batch;
                long gap = 0;
                boolean caughtUp;
                long now;
                console.lock.lock();
                try {
                    // The rate limit batches lines up; it must never cost any: half a queue behind, deliver now.
                    long wait;
                    while (open && (wait = nextAllowed - System.nanoTime()) > 0
                            && console.lines.head() - cursor < queueLines / 2) {
                        console.pressure.awaitNanos(wait);
                    }
                    while (open && cursor >= console.lines.head()) {
                        console.newLines.await();
                    }
                    if (!open) {
                        return;
                    }
                    long head = console.lines.head();
                    long oldest = oldestKept(head);
                    if (cursor < oldest) {
                        gap = oldest - cursor;
                        dropped += gap;
                        cursor = oldest;
                    }
                    now = System.nanoTime();
                    batch = console.lines.cut(cursor, maxBatch, Math.floorDiv(now, minIntervalNanos));
                    cursor += batch.size();
                    caughtUp = cursor >= head;
                } finally {
                    console.lock.unlock();
                }
                // The next delivery waits for the next tick rather than a full interval from now: every
                // subscriber of the server then wakes at the same moments, reads up to the same mark and
                // so shares its batches (see LineLog.cut). Still at most one delivery per tick.
                nextAllowed = now - Math.floorMod(now, minIntervalNanos) + minIntervalNanos;
                if (gap > 0) {
                    if (episode == 0) {
                        episodeStart = now;
                    }
                    episode += gap;
                }
                if (episode > 0 && (caughtUp || now - episodeStart >= DROP_NOTICE_EVERY_NANOS)) {
                    long lost = episode;
                    episode = 0;
                    deliver(() -> listener.dropped(lost));
                }
                ConsoleListener.Batch delivered = batch;
                deliver(() -> listener.lines(delivered));
            }
        } catch (InterruptedException e) {
            // ended
        } finally {
            ConsoleListener.EndReason reason = endedBy;
            if (reason != null) {
                deliver(() -> listener.ended(reason));
            }
        }
    }

    private void deliver(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.debug("server={} console listener failed: {}", console.serverId(), e.toString());
        }
    }
}
