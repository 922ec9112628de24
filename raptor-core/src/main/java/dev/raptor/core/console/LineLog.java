package dev.raptor.core.console;

import dev.raptor.core.runtime.LogLine;

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

    private final int maxLines;
    private final long maxBytes;
    private LogLine[] slots;
    /** Sequence number the next appended line gets. */
    private long head;
    /** Lowest sequence number still held. */
    private long low;
    private long bytes;

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
