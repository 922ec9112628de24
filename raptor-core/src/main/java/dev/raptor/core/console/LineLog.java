package dev.raptor.core.console;

import dev.raptor.core.runtime.LogLine;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * The recent output of one server, addressed by sequence number. All subscribers of the server read
 * from this one log through their own cursor, so a subscriber's queue is the range between its
 * cursor and {@link #head()}: lines are stored once however many consoles watch. Bounded in lines and
 * in (estimated) bytes; the oldest lines go first. Not thread-safe; {@link ServerConsole} guards it.
 */
final class LineLog {
    private static final int INITIAL_SLOTS = 1024;
    /** Rough heap cost of a line beyond its characters (the record, its instant, the string header). */
    private static final int LINE_OVERHEAD = 96;
    /** Batches of the current delivery tick kept for sharing: readers at this many different cursors. */
    private static final int MAX_CUTS = 8;

    private final int maxLines;
    private final long maxBytes;
    private LogLine[] slots;
    /** Sequence number the next appended line gets. */
    private long head;
    /** Lowest sequence number still held. */
    private long low;
    private long bytes;

    /** Whether a delivery tick has set {@link #markEnd} yet. */
    private boolean marked;
    /** The delivery tick whose readers stop at {@link #markEnd}. */
    private long markTick;
    /** Where the deliveries cut in {@link #markTick} end (see {@link #cut}). */
    private long markEnd;
    /**
     * The batches cut up to the current mark, for the other readers of the same lines. Few (readers at
     * the same cursor share one), and held weakly: a batch stays shared while its readers write it,
     * and a console that falls silent after a flood does not keep its last batches (and what listeners
     * derived from them) until its next line.
     */
    private final List<WeakReference<ConsoleListener.Batch>> cuts = new ArrayList<>(MAX_CUTS);

    LineLog(int maxLines, long maxBytes) {
        this.maxLines = maxLines;
        this.maxBytes = maxBytes;
        this.slots = new LogLine[Math.min(INITIAL_SLOTS, maxLines)];
    }

    long head() {
        return head;
    }

    long low() {
        return low;
    }

    /** Lines held. */
    int size() {
        return (int) (head - low);
    }

    /** Estimated heap held by the lines. */
    long bytes() {
        return bytes;
    }

    void append(LogLine line) {
        if (head - low == slots.length) {
            if (slots.length < maxLines) {
                grow();
            } else {
                dropOldest();
            }
        }
        slots[index(head)] = line;
        head++;
        bytes += cost(line);
        while (bytes > maxBytes && head - low > 1) {
            dropOldest();
        }
    }

    /** Forgets every line below {@code seq}. */
    void trimBelow(long seq) {
        long until = Math.min(seq, head);
        while (low < until) {
            dropOldest();
        }
    }

    /**
     * Puts earlier output in front of an empty log, at negative sequence numbers, so that cursors
     * already placed at 0 see it as history rather than as new lines.
     */
    void prime(List<LogLine> earlier) {
        if (head != 0 || low != 0) {
            throw new IllegalStateException("only an empty log can be primed");
        }
        int n = Math.min(earlier.size(), maxLines);
        while (slots.length < n) {
            grow();
        }
        List<LogLine> kept = earlier.subList(earlier.size() - n, earlier.size());
        low = -n;
        for (int i = 0; i < n; i++) {
            LogLine line = kept.get(i);
            slots[index(low + i)] = line;
            bytes += cost(line);
        }
        while (bytes > maxBytes && head - low > 0) {
            dropOldest();
        }
    }

    /**
     * The next delivery for a subscriber whose cursor is {@code from} (at least {@link #low()}, below
     * {@link #head()}): up to {@code max} lines towards the mark of delivery tick {@code tick}.
     *
     * <p>The first subscriber to read in a tick sets the mark at the head; every later reader of that
     * tick stops at the same mark instead of at the head, which has moved on meanwhile. Subscribers
     * that start from the same cursor therefore end at the same place, are handed the same
     * {@link ConsoleListener.Batch} instance and start their next delivery together too: a flood
     * watched by a hundred consoles is cut into one series of batches, not a hundred. A reader that is
     * already at the mark (new lines came after it) moves the mark on to the head. Nothing is lost or
     * repeated: a batch always starts at the reader's cursor, and the lines beyond the mark wait for the
     * next delivery.
     */
    ConsoleListener.Batch cut(long from, int max, long tick) {
        if (from < low || from >= head || max < 1) {
            throw new IllegalArgumentException("no batch from " + from + " in [" + low + ", " + head + ")");
        }
        if (!marked || tick != markTick || markEnd <= from) {
            marked = true;
            markTick = tick;
            markEnd = head;
            cuts.clear();
        }
        long end = Math.min(markEnd, from + max);
        for (WeakReference<ConsoleListener.Batch> ref : cuts) {
            ConsoleListener.Batch b = ref.get();
            if (b != null && b.from() == from && b.to() == end) {
                return b;
            }
        }
        ConsoleListener.Batch b = new ConsoleListener.Batch(from, read(from, (int) (end - from)));
        if (cuts.size() == MAX_CUTS) {
            cuts.removeFirst();
        }
        cuts.add(new WeakReference<>(b));
        return b;
    }

    /** Up to {@code max} lines from {@code from} (clamped to what is held) towards the head. */
    List<LogLine> read(long from, int max) {
        long start = Math.max(from, low);
        int n = (int) Math.max(0, Math.min(max, head - start));
        List<LogLine> out = new ArrayList<>(n);
        for (long s = start; s < start + n; s++) {
            out.add(slots[index(s)]);
        }
        return out;
    }

    /** The last {@code n} lines held before sequence number {@code before}. */
    List<LogLine> before(long before, int n) {
        long end = Math.min(before, head);
        long start = Math.max(low, end - n);
        return read(start, (int) Math.max(0, end - start));
    }

    private void dropOldest() {
        int i = index(low);
        bytes -= cost(slots[i]);
        slots[i] = null;
        low++;
    }

    private void grow() {
        LogLine[] bigger = new LogLine[(int) Math.min(maxLines, (long) slots.length * 2)];
        for (long s = low; s < head; s++) {
            bigger[(int) Math.floorMod(s, (long) bigger.length)] = slots[index(s)];
        }
        slots = bigger;
    }

    private static long cost(LogLine line) {
        return LINE_OVERHEAD + 2L * line.text().length();
    }

    private int index(long seq) {
        return (int) Math.floorMod(seq, (long) slots.length);
    }
}
