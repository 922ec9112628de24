package dev.raptor.docker;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Cuts one output stream (stdout or stderr) of a container into lines. The engine's frames do not respect
 * lines, and docker-java splits frames further into 1 KiB pieces, so a line (even a UTF-8 character) may
 * arrive in several pieces, and one piece may hold many lines. Bytes are decoded per complete line.
 *
 * <p>A line without a newline is kept until the next piece, or delivered by {@link #flush()} when the
 * stream ends. A line longer than {@link #MAX_LINE_BYTES} is delivered in parts, so a server printing
 * without newlines cannot grow memory without bound. A trailing carriage return is dropped (CRLF output).
 *
 * <p>Each piece comes with the instant the engine stamped it; a line carries the stamp of the piece it
 * began in (the engine stamps each piece of a long line, and the line is as old as its first).
 */
final class ConsoleLineSplitter {
    static final int MAX_LINE_BYTES = 64 * 1024;

    /** Receives each complete line with the stamp of the piece it began in. */
    @FunctionalInterface
    interface Lines {
        void line(Instant at, String text);
    }

    private final Lines lines;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(256);
    private Instant pendingAt;

    ConsoleLineSplitter(Lines lines) {
        this.lines = lines;
    }

    /**
     * Takes {@code length} bytes of {@code bytes} from {@code offset}, stamped {@code at}; the caller may
     * reuse the array afterwards.
     */
    void accept(Instant at, byte[] bytes, int offset, int length) {
        int start = offset;
        int end = offset + length;
        if (pending.size() == 0) {
            pendingAt = at;
        }
        for (int i = offset; i < end; i++) {
            if (bytes[i] == '\n') {
                pending.write(bytes, start, i - start);
                emit();
                pendingAt = at;
                start = i + 1;
            } else if (pending.size() + (i - start) >= MAX_LINE_BYTES) {
                int cut = i;
                while (cut > start && (bytes[cut] & 0xC0) == 0x80) {
                    cut--; // do not cut a UTF-8 character in two
                }
                if (cut == start) {
                    cut = i;
                }
                pending.write(bytes, start, cut - start);
                emit();
                pendingAt = at;
                start = cut;
            }
        }
        pending.write(bytes, start, end - start);
    }

    void accept(Instant at, byte[] bytes) {
        accept(at, bytes, 0, bytes.length);
    }

    /** Delivers a last line that had no newline. */
    void flush() {
        if (pending.size() > 0) {
            emit();
        }
    }

    private void emit() {
        byte[] raw = pending.toByteArray();
        pending.reset();
        int len = raw.length;
        if (len > 0 && raw[len - 1] == '\r') {
            len--;
        }
        lines.line(pendingAt, new String(raw, 0, len, StandardCharsets.UTF_8));
    }
}
