package dev.raptor.bench.daemon;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Counts the lines of a {@code flood N} ({@code line 1} … {@code line N}) in output read as bytes, and checks
 * that each came once and in order, without building a string: a reader as cheap as a byte scan, so that a
 * benchmark of the output's delivery measures the sender and not the counting. Two forms of input: a console
 * socket's {@code console output} messages (their JSON text, lines separated by the escape {@code \n}), and
 * plain text with one line per {@code \n} ({@code docker logs -f}'s output). Input may arrive cut anywhere,
 * also inside an escape. A carriage return before a line's end is ignored.
 *
 * <p>Not thread-safe: one reader feeds it; what it counted is read once the feeding has been seen to end (or
 * through a happens-before edge the caller provides).
 */
public final class FloodTally {
    private static final byte[] FLOOD = "line ".getBytes(StandardCharsets.US_ASCII);

    // the line being read
    private int at;
    private boolean flood = true;
    private long number;

    // JSON input: inside a string, after a backslash
    private boolean inString;
    private boolean escape;

    private long lines;
    private long floodLines;
    private long last;
    private long repeated;
    private long missing;

    /**
     * What was counted.
     *
     * @param lines      every line
     * @param floodLines lines {@code line <n>}
     * @param last       the highest {@code n} seen so far
     * @param repeated   flood lines that came again or after a later one (out of order)
     * @param missing    flood lines skipped: numbers never seen below the highest
     */
    public record Counts(long lines, long floodLines, long last, long repeated, long missing) {
        /** Whether {@code line 1} … {@code line n} came, each once and in order, and nothing more. */
        public boolean exactly(long n) {
            return floodLines == n && last == n && repeated == 0 && missing == 0;
        }
    }

    public Counts counts() {
        return new Counts(lines, floodLines, last, repeated, missing);
    }

    /** Starts counting afresh (a new flood). */
    public void reset() {
        at = 0;
        flood = true;
        number = 0;
        inString = false;
        escape = false;
        lines = 0;
        floodLines = 0;
        last = 0;
        repeated = 0;
        missing = 0;
    }

    /** The highest flood line seen so far. */
    public long last() {
        return last;
    }

    /**
     * The next part of a {@code console output} message's JSON text; {@code skip} bytes at its start are not
     * looked at (the message's head, already recognised). A JSON string ends a line; so does each {@code \n} in one.
     */
    public void json(ByteBuffer part, int skip) {
        int end = part.limit();
        for (int i = part.position() + skip; i < end; i++) {
            byte b = part.get(i);
            if (!inString) {
                if (b == '"') {
                    inString = true;
                }
            } else if (escape) {
                escape = false;
                switch (b) {
                    case 'n' -> endLine();
                    case 'r' -> {
                        // a carriage return: not part of the line
                    }
                    default -> character(b);
                }
            } else if (b == '\\') {
                escape = true;
            } else if (b == '"') {
                inString = false;
                if (at > 0) {
                    endLine();
                }
            } else {
                character(b);
            }
        }
    }

    /** The next bytes of plain text, one line per {@code \n}. */
    public void plain(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                endLine();
            } else if (b != '\r') {
                character(b);
            }
        }
    }

    private void character(byte b) {
        if (at < FLOOD.length) {
            flood &= b == FLOOD[at];
        } else if (b >= '0' && b <= '9' && number < Long.MAX_VALUE / 10) {
            number = number * 10 + (b - '0');
        } else {
            flood = false;
        }
        at++;
    }

    private void endLine() {
        lines++;
        if (flood && at > FLOOD.length) {
            floodLines++;
            if (number == last + 1) {
                last = number;
            } else if (number <= last) {
                repeated++;
            } else {
                missing += number - last - 1;
                last = number;
            }
        }
        at = 0;
        flood = true;
        number = 0;
    }
}
