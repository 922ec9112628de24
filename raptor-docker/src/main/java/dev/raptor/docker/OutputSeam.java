package dev.raptor.docker;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the engine's log of one output stream (stdout or stderr) ends and the container's attach stream
 * takes over: every byte once, in order.
 *
 * <h2>The facts it stands on (Docker 20.10, checked on the engine)</h2>
 * <ul>
 *   <li>The engine hooks an attach to the container's output <em>before</em> it answers the upgrade, so the
 *       attach carries exactly the output written from some byte {@code P} on, and nothing earlier. It has no
 *       stamps and never rotates.</li>
 *   <li>The engine's log holds the same bytes, cut into messages at newlines (and 16 KiB), each stamped when the
 *       log writer took it, which is after the container wrote it: a message stamped before the attach request
 *       was sent ({@code attachedAfter}) is entirely before {@code P}. A message stamped later may be on either
 *       side, because the log writer may lag behind the attach (and does, by up to a megabyte, in a flood); a
 *       line without its newline yet is not in the log at all.</li>
 * </ul>
 *
 * <h2>Finding {@code P}</h2>
 * Messages stamped before {@code attachedAfter} are delivered at once. The later ones (the window) and the
 * attach's bytes are held, and the log is read again until the window shows where the attach's bytes begin:
 * a cut {@code P} in the window from which the window and the attach agree for as long as both go, over at
 * least the attach's first two lines (its first may be the end of a line the attach came in the middle of),
 * or {@value #EVIDENCE_BYTES} bytes. One such cut, and the seam is found: the window up to it is delivered
 * with the engine's stamps, then the attach. When nothing whole has come on the attach yet, the window is
 * taken as all before it once things have settled.
 *
 * <p>Content decides only where stamps cannot, and only output that repeats itself can fool it: identical
 * lines printed within milliseconds of the attach, around the cut. Then several cuts fit (the latest is taken
 * once things settle), or one that is off by such a line, which is then delivered once too often or too
 * rarely. Anything else is delivered exactly once.
 *
 * <p>Live bytes carry the time they were read (the attach has no stamps), never earlier than the last stamp
 * delivered, so stamps never go backwards within the stream. Not thread-safe: {@link AttachedLogStream}
 * guards it.
 */
final class OutputSeam {
    /** Attach bytes the window must agree with before a cut is believed (when the attach has that many). */
    static final int EVIDENCE_BYTES = 4096;
    /** The most of the attach matched against the window at once (the evidence never needs more). */
    private static final int PATTERN_BYTES = 64 * 1024;
    /** How much of the window and the attach must agree to show that the log has moved on past a gap. */
    static final int GAP_EVIDENCE_BYTES = 2048;
    /** The shortest line (newline included) taken to say where the log and the attach meet after a gap. */
    static final int DISTINCT_LINE_BYTES = 16;
    /** Attach bytes held while the seam is not found; beyond it the seam is forced. */
    static final long MAX_HELD_BYTES = 32L << 20;

    /** Where delivered bytes go, with their stamps (the array may be reused after the call). */
    @FunctionalInterface
    interface Out {
        void piece(Instant at, byte[] bytes, int offset, int length);
    }

    /** How a seam was found, for the log. */
    enum Found { NOT_YET, CUT, NOTHING_ATTACHED, AMBIGUOUS, GAP, FORCED }

    private record Message(Instant at, byte[] bytes) {
    }

    private record Chunk(Instant at, byte[] bytes) {
    }

    private final Instant attachedAfter;
    private final Out out;
    /** The last stamp delivered: nothing later goes below it. */
    private Instant floor;

    // the log side: what was read, for the next read to skip
    private Instant lastLogged;
    private int atLastLogged;
    private int skipAtLastLogged;
    private final List<Message> window = new ArrayList<>();
    private long windowBytes;

    // the attach side, held until the seam is found
    private final List<Chunk> held = new ArrayList<>();
    private long heldBytes;
    private boolean found;
    private long changes;

    /**
     * @param attachedAfter when the attach was requested (before it was sent)
     * @param since         no piece is delivered with an earlier stamp (null: no bound)
     */
    OutputSeam(Instant attachedAfter, Instant since, Out out) {
        this.attachedAfter = attachedAfter;
        this.floor = since;
        this.out = out;
    }

    boolean found() {
        return found;
    }

    /** Grows whenever a message joins the window or bytes join the attach side: "nothing changed" means settled. */
    long changes() {
        return changes;
    }

    /** Attach bytes held while the seam is looked for. */
    long held() {
        return heldBytes;
    }

    /** Whether attach bytes held exceed {@link #MAX_HELD_BYTES}. */
    boolean full() {
        return heldBytes > MAX_HELD_BYTES;
    }

    /** The stamp a further read of the log should start at (inclusive), to see what this stream has not. */
    Instant readAgainFrom() {
        return lastLogged != null && lastLogged.isAfter(attachedAfter) ? lastLogged : attachedAfter;
    }

    /** A new read of the log begins: messages it repeats (stamped at or before the last one taken) are skipped. */
    void readingAgain() {
        skipAtLastLogged = atLastLogged;
    }

    /** One message of the engine's log, whole, in the order of the log. */
    void logged(Instant at, byte[] bytes) {
        if (lastLogged != null) {
            int c = at.compareTo(lastLogged);
            if (c < 0 || c == 0 && skipAtLastLogged > 0) {
                if (c == 0) {
                    skipAtLastLogged--;
                }
                return; // read before
            }
        }
        if (at.equals(lastLogged)) {
            atLastLogged++;
        } else {
            lastLogged = at;
            atLastLogged = 1;
        }
        if (found) {
            return; // the attach has it
        }
        if (at.isBefore(attachedAfter) && window.isEmpty()) {
            deliver(at, bytes, 0, bytes.length);
            return;
        }
        window.add(new Message(at, bytes));
        windowBytes += bytes.length;
        changes++;
    }

    /** Bytes read from the attach at {@code readAt}. */
    void attached(Instant readAt, byte[] bytes, int offset, int length) {
        if (length == 0) {
            return;
        }
        if (found) {
            deliver(readAt, bytes, offset, length);
            return;
        }
        byte[] copy = new byte[length];
        System.arraycopy(bytes, offset, copy, 0, length);
        held.add(new Chunk(readAt, copy));
        heldBytes += length;
        changes++;
    }

    /**
     * Looks for the seam and, once found, delivers what was held on both sides.
     *
     * @param settled whether nothing changed on this stream since the last look, long enough after the attach
     * @param force   decide now with what is known (deadline, end of the attach, too much held)
     */
    Found decide(boolean settled, boolean force) {
        if (found) {
            return Found.CUT;
        }
        byte[] attach = concatHeld();
        int need = Math.min(evidence(attach), EVIDENCE_BYTES);
        if (need == 0) {
            if (force || settled) {
                cut(windowBytes);
                return Found.NOTHING_ATTACHED;
            }
            return Found.NOT_YET;
        }
        byte[] logged = concatWindow();
        List<Integer> cuts = cuts(logged, attach, need);
        if (cuts.size() == 1) {
            cut(cuts.getFirst());
            return Found.CUT;
        }
        if (cuts.size() > 1 && (force || settled)) {
            cut(cuts.getLast());
            return Found.AMBIGUOUS;
        }
        long gap = logAfterAGap(logged, attach);
        if (gap >= 0) {
            // the attach's first line may be the end of one whose beginning is lost in the gap: it goes too
            cut(gap, firstLineEnd(attach));
            return Found.GAP;
        }
        if (force) {
            cut(windowBytes); // the log never caught up: everything it showed came first
            return Found.FORCED;
        }
        return Found.NOT_YET;
    }

    /**
     * Where the window's first stretch that the attach also holds begins, when it is not where the attach
     * begins: the log moved on past the attach's beginning without showing it (in a flood it rotates within
     * seconds, faster than a read can follow), so the part of the window before that stretch is what came
     * before the attach, the stretch and what follows are on the attach, and what fell between them is lost
     * (the log no longer has it; the attach never had it), with the attach's first line, which may be the end
     * of a line whose beginning is lost. Only a stretch of {@value #GAP_EVIDENCE_BYTES}
     * bytes or more, beginning with a line of {@value #DISTINCT_LINE_BYTES} or more, counts: short lines
     * (empty ones, prompts) repeat too often to mean anything. -1 when there is none.
     */
    long logAfterAGap(byte[] logged, byte[] attach) {
        byte[] last = window.isEmpty() ? null : window.getLast().bytes();
        if (last == null || last.length < DISTINCT_LINE_BYTES || cuts(attach, last, last.length).isEmpty()) {
            return -1; // the log has not got as far as anything the attach holds
        }
        Map<String, Integer> lines = new HashMap<>();
        int start = 0;
        for (int i = 0; i < attach.length; i++) {
            if (attach[i] == '\n') {
                if (start > 0 && i + 1 - start >= DISTINCT_LINE_BYTES) { // the first line may be the end of one
                    lines.putIfAbsent(new String(attach, start, i + 1 - start, StandardCharsets.ISO_8859_1), start);
                }
                start = i + 1;
            }
        }
        long at = 0;
        for (Message msg : window) {
            byte[] b = msg.bytes();
            Integer j = b.length >= DISTINCT_LINE_BYTES && b[b.length - 1] == '\n'
                    ? lines.get(new String(b, StandardCharsets.ISO_8859_1)) : null;
            if (j != null) {
                int n = (int) Math.min(GAP_EVIDENCE_BYTES, Math.min(logged.length - at, attach.length - j));
                if (n >= GAP_EVIDENCE_BYTES && Arrays.equals(logged, (int) at, (int) at + n, attach, j, j + n)) {
                    return at;
                }
            }
            at += b.length;
        }
        return -1;
    }

    /**
     * Every cut {@code p} of {@code logged} after which the log and the attach agree for as long as both go,
     * over at least {@code need} bytes, ascending. Knuth-Morris-Pratt over the log with (the start of) the
     * attach as pattern: whole occurrences, then the log's suffixes that begin the attach.
     */
    static List<Integer> cuts(byte[] logged, byte[] attach, int need) {
        int m = Math.min(attach.length, PATTERN_BYTES);
        int n = logged.length;
        List<Integer> out = new ArrayList<>();
        if (m > 0) {
            int[] border = new int[m]; // border[i]: the longest proper border of attach[0..i]
            for (int i = 1, k = 0; i < m; i++) {
                while (k > 0 && attach[i] != attach[k]) {
                    k = border[k - 1];
                }
                if (attach[i] == attach[k]) {
                    k++;
                }
                border[i] = k;
            }
            int q = 0;
            for (int i = 0; i < n; i++) {
                while (q > 0 && (q == m || attach[q] != logged[i])) {
                    q = border[q - 1];
                }
                if (attach[q] == logged[i]) {
                    q++;
                }
                if (q == m && m >= need) {
                    out.add(i + 1 - m);
                }
            }
            // the log's suffixes that begin the attach, longest first: their cuts ascend
            for (int k = q == m ? border[m - 1] : q; k > 0; k = border[k - 1]) {
                if (k >= need) {
                    out.add(n - k);
                }
            }
        }
        if (need == 0) {
            out.add(n);
        }
        return out;
    }

    /** Bytes of {@code b} up to and including its second newline, or its first when it has one only; 0 without. */
    static int evidence(byte[] b) {
        int first = -1;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n') {
                if (first >= 0) {
                    return i + 1;
                }
                first = i;
            }
        }
        return first + 1;
    }

    /** Delivers the window up to byte {@code p}, then everything held from the attach; live from now on. */
    private void cut(long p) {
        cut(p, 0);
    }

    private static int firstLineEnd(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    /** Delivers the window up to byte {@code p}, then what was held from the attach from byte {@code skip} on. */
    private void cut(long p, int skip) {
        long at = 0;
        for (Message msg : window) {
            if (at >= p) {
                break;
            }
            int n = (int) Math.min(msg.bytes().length, p - at);
            deliver(msg.at(), msg.bytes(), 0, n);
            at += msg.bytes().length;
        }
        long from = 0;
        for (Chunk c : held) {
            int off = (int) Math.max(0, Math.min(c.bytes().length, skip - from));
            if (off < c.bytes().length) {
                deliver(c.at(), c.bytes(), off, c.bytes().length - off);
            }
            from += c.bytes().length;
        }
        window.clear();
        held.clear();
        windowBytes = 0;
        heldBytes = 0;
        found = true;
    }

    private void deliver(Instant at, byte[] bytes, int offset, int length) {
        Instant stamp = floor != null && at.isBefore(floor) ? floor : at;
        floor = stamp;
        out.piece(stamp, bytes, offset, length);
    }

    private byte[] concatHeld() {
        byte[] all = new byte[(int) heldBytes];
        int at = 0;
        for (Chunk c : held) {
            System.arraycopy(c.bytes(), 0, all, at, c.bytes().length);
            at += c.bytes().length;
        }
        return all;
    }

    private byte[] concatWindow() {
        ByteArrayOutputStream all = new ByteArrayOutputStream((int) windowBytes);
        for (Message msg : window) {
            all.writeBytes(msg.bytes());
        }
        return all.toByteArray();
    }
}
