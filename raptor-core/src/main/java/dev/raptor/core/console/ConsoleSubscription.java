package dev.raptor.core.console;

import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.watch.WatchSubscription;

import java.time.Duration;
import java.util.List;

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
 *       listener slower than the output does. So far behind, its batches may also be
 *       {@link #BEHIND_BATCH_FACTOR} times larger, so that it catches up in fewer writes.</li>
 *   <li><b>Shared batches.</b> Deliveries happen in ticks of the rate limit common to all subscribers
 *       of a server, and the readers of one tick cut their batches at one mark, so subscribers that
 *       keep up are handed the same {@link ConsoleListener.Batch} and a listener encodes it once for
 *       all of them ({@link ConsoleListener.Batch#shared}). A tick's batches end where the log's head
 *       was when the tick's first reader read; lines that arrive after that wait for the next tick.</li>
 *   <li><b>Isolated.</b> A listener that blocks only stops its own thread; the engine reader and the
 *       other subscribers never wait for it.</li>
 * </ul>
 */
public final class ConsoleSubscription extends WatchSubscription {
    /**
     * A subscriber half a queue behind is handed batches this many times {@link ConsoleSettings#maxBatchLines()}: it
     * catches up in fewer, larger writes, since each write waits for the client.
     */
    static final int BEHIND_BATCH_FACTOR = 4;
    /** A subscriber that stays behind still hears about its losses this often. */
    private static final long DROP_NOTICE_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

    private final ServerConsole console;
    private final ConsoleListener listener;
    private final long firstSeq;
    final int queueLines;
    final int maxBatch;
    final long minIntervalNanos;

    /** Next sequence number to deliver; guarded by the console's lock (only {@link ServerConsole} touches it). */
    long cursor;
    /** Lines skipped at the cursor so far; guarded by the console's lock. */
    long dropped;

    ConsoleSubscription(ServerConsole console, ConsoleListener listener, long firstSeq) {
        super(console, listener, "console");
        this.console = console;
        this.listener = listener;
        this.firstSeq = firstSeq;
        this.cursor = firstSeq;
        ConsoleSettings s = console.settings();
        this.queueLines = s.queueLines();
        this.maxBatch = s.maxBatchLines();
        this.minIntervalNanos = Math.max(1, s.minInterval().toNanos()); // a tick length, so never 0
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
        return console.queueDepth(this);
    }

    /** Lines this subscriber lost to overflow so far, including those it is about to skip. */
    public long droppedTotal() {
        return console.droppedTotal(this);
    }

    @Override
    protected void deliverUntilClosed() throws InterruptedException {
        long nextAllowed = System.nanoTime();
        long episode = 0;
        long episodeStart = 0;
        ServerConsole.Cut cut;
        while ((cut = console.nextCut(this, nextAllowed)) != null) {
            long now = cut.now();
            // The next delivery waits for the next tick rather than a full interval from now: every
            // subscriber of the server then wakes at the same moments, reads up to the same mark and
            // so shares its batches (see LineLog.cut). Still at most one delivery per tick.
            nextAllowed = now - Math.floorMod(now, minIntervalNanos) + minIntervalNanos;
            if (cut.gap() > 0) {
                if (episode == 0) {
                    episodeStart = now;
                }
                episode += cut.gap();
            }
            if (episode > 0 && (cut.caughtUp() || now - episodeStart >= DROP_NOTICE_EVERY_NANOS)) {
                long lost = episode;
                episode = 0;
                call(() -> listener.dropped(lost));
            }
            ConsoleListener.Batch delivered = cut.batch();
            call(() -> listener.lines(delivered));
        }
    }
}
