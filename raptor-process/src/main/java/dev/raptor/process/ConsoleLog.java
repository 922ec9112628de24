package dev.raptor.process;

import dev.raptor.core.runtime.LogLine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;

/**
 * A server's console output as the pump left it in {@code console.<run>.<part>.log} files: each line
 * {@code "<epoch ms> <O|E><text>"}, stamped by the tagger when the server wrote it (see tag.awk), files
 * ordered by run and part ({@link RecordFiles.LogFile#seq()}) and cut on whole lines. Reads history (the
 * last n lines, from an instant on) and what was appended after a {@link Position}.
 *
 * <p>Stamps have the resolution of /proc/uptime, 10 ms; {@code since} is applied exactly to them. A line
 * that does not parse (never written by the pump) keeps the previous line's stamp and counts as stdout.
 * Within a stream lines keep their order; between stdout and stderr the order is the order in which the
 * two taggers handed them on, which may differ by milliseconds from the order the server wrote them. A
 * line is written to the pump in one piece, so lines never interleave, up to 4 KiB ({@code PIPE_BUF}).
 */
final class ConsoleLog {
    /** What a reader is handed where the log was rotated past it before it read the lines there. */
    static final String SKIPPED = "[raptor] console lines skipped: the log was rotated before this reader got to them";
    /** Most bytes one {@link #readFrom} call reads, so a follower that fell behind catches up in steps. */
    private static final int CHUNK = 1 << 20;
    /**
     * A file whose last line is stamped this long before {@code since} holds no line at or after it (the two
     * taggers' lines may interleave a few milliseconds out of order, never seconds).
     */
    private static final long SKIP_SLACK_MS = 1_000;
    /** How far back from a file's end its last line is looked for. */
    private static final int TAIL_PROBE = 8192;

    private final RecordFiles files;
    private final UUID serverId;

    ConsoleLog(RecordFiles files, UUID serverId) {
        this.files = files;
        this.serverId = serverId;
    }

    /** Where the next unread byte is: a file's {@link RecordFiles.LogFile#seq() seq} and the offset in it (seq 0: before the first file). */
    record Position(long seq, long offset) {
        static final Position START = new Position(0, 0);
    }

    /** Lines read, and the position right after the last whole line read. */
    record Chunk(List<LogLine> lines, Position next) {
    }

    /**
     * Where the output written so far ends: the newest file and its size, maybe inside a line still being written
     * (that line ends after this instant, so it counts as written after it). {@link Position#START} when nothing is
     * written yet. A cheap look (a listing and a size, no read) for the caller's thread: a follow takes it when it is
     * asked for, its thread reads up to it later.
     */
    Position written() throws IOException {
        for (int look = 0; ; look++) {
            List<RecordFiles.LogFile> all = files.logFiles();
            if (all.isEmpty()) {
                return Position.START;
            }
            RecordFiles.LogFile newest = all.getLast();
            try {
                return new Position(newest.seq(), Files.size(newest.path()));
            } catch (NoSuchFileException rotatedAway) {
                if (look == 2) {
                    return new Position(newest.seq(), 0); // gone as it was looked at three times: a newer file holds what comes
                }
            }
        }
    }

    /**
     * The history a request asks for: lines stamped at or after {@code since} (null: all), the last
     * {@code tail} of them (-1: all, 0: none), oldest first; and the position after the last whole line.
     */
    Chunk history(int tail, Instant since) throws IOException {
        return history(tail, since, null);
    }

    /**
     * {@link #history(int, Instant)} of the lines written before {@code upTo} (a {@link #written()}; null: all written
     * now): a line {@code upTo} cuts is not history, and the position returned is where that line begins, so that
     * {@link #readFrom} delivers it and everything after it, each line once.
     */
    Chunk history(int tail, Instant since, Position upTo) throws IOException {
        List<RecordFiles.LogFile> all = new ArrayList<>(files.logFiles());
        if (upTo != null) {
            all.removeIf(f -> f.seq() > upTo.seq());
        }
        if (all.isEmpty()) {
            // nothing before the mark is left (or nothing was written): the mark's file, if any, is read from its start
            return new Chunk(List.of(), upTo == null ? Position.START : new Position(upTo.seq(), 0));
        }
        RecordFiles.LogFile newest = all.getLast();
        byte[] newestBytes = readAll(newest);
        int newestLength = upTo != null && newest.seq() == upTo.seq() ? (int) Math.min(upTo.offset(), newestBytes.length) : newestBytes.length;
        Position end = new Position(newest.seq(), wholeLinesLength(newestBytes, newestLength));
        if (tail == 0) {
            return new Chunk(List.of(), end);
        }
        Deque<List<LogLine>> perFile = new ArrayDeque<>();
        int count = 0;
        for (int i = all.size() - 1; i >= 0 && (tail < 0 || count < tail); i--) {
            RecordFiles.LogFile f = all.get(i);
            if (i < all.size() - 1 && since != null && lastStampMillis(f) < since.toEpochMilli() - SKIP_SLACK_MS) {
                break; // it and every older file end before since
            }
            byte[] bytes = i == all.size() - 1 ? newestBytes : readAll(f);
            int length = i == all.size() - 1 ? (int) end.offset() : bytes.length;
            List<LogLine> lines = parse(bytes, length, since, fallbackStamp(f));
            perFile.addFirst(lines);
            count += lines.size();
        }
        List<LogLine> out = new ArrayList<>(count);
        perFile.forEach(out::addAll);
        if (tail > 0 && out.size() > tail) {
            out = new ArrayList<>(out.subList(out.size() - tail, out.size()));
        }
        return new Chunk(out, end);
    }

    /**
     * Whole lines appended after {@code from} (moving on to newer files as the pump rotates), at most
     * about {@value #CHUNK} bytes. With {@code partialToo} a last line without its newline is taken as
     * well (once the writer is known to be done).
     *
     * <p>When the file {@code from} is in was deleted before it was read to its end (the reader fell more than
     * the pump's bound behind, see {@link LogHolds}), reading goes on at the oldest file left, after a
     * {@link #SKIPPED} line on stderr where the lost lines were: the reader is told, never silently short.
     */
    Chunk readFrom(Position from, Instant since, boolean partialToo) throws IOException {
        List<LogLine> out = new ArrayList<>();
        Position pos = from;
        int budget = CHUNK;
        int skippedAt = -1;
        while (budget > 0) {
            RecordFiles.LogFile current = null;
            RecordFiles.LogFile next = null;
            for (RecordFiles.LogFile f : files.logFiles()) {
                if (f.seq() == pos.seq()) {
                    current = f;
                } else if (f.seq() > pos.seq() && next == null) {
                    next = f;
                }
            }
            if (current == null) {
                if (next == null) {
                    break; // nothing written yet
                }
                if (pos.seq() != Position.START.seq() && skippedAt < 0) {
                    skippedAt = out.size(); // ours was rotated away: what was left of it is lost
                }
                pos = new Position(next.seq(), 0); // before the first file, or ours was rotated away
                continue;
            }
            byte[] bytes = readRange(current, pos.offset(), budget);
            if (bytes == null) {
                if (next == null) {
                    break;
                }
                if (skippedAt < 0) {
                    skippedAt = out.size(); // rotated away as it was about to be read
                }
                pos = new Position(next.seq(), 0);
                continue;
            }
            boolean truncated = bytes.length == budget;
            int whole = wholeLinesLength(bytes, bytes.length);
            if (whole < bytes.length && !truncated && (partialToo || next != null)) {
                whole = bytes.length; // a last line without its newline, and nothing more will come
            }
            out.addAll(parse(bytes, whole, since, fallbackStamp(current)));
            pos = new Position(current.seq(), pos.offset() + whole);
            budget -= whole;
            if (truncated || whole < bytes.length || next == null) {
                break;
            }
            pos = new Position(next.seq(), 0); // the pump has moved on: this file is complete
        }
        if (skippedAt >= 0) {
            out.add(skippedAt, skipped(out, skippedAt));
        }
        return new Chunk(out, pos);
    }

    /**
     * The line that stands for lines lost at {@code at} in {@code out}, stamped a nanosecond off its neighbour's
     * stamp: between the lines around it, and never equal to a stamp the log holds, so that a console that
     * reopens at the last stamp it kept and skips the lines it already has at that stamp counts it nowhere.
     */
    private LogLine skipped(List<LogLine> out, int at) {
        Instant stamp = at < out.size() ? out.get(at).at().minusNanos(1)
                : at > 0 ? out.get(at - 1).at().plusNanos(1) : Instant.now();
        return new LogLine(serverId, stamp, LogLine.Stream.STDERR, SKIPPED);
    }

    /** The lines in {@code bytes[0, length)}, each ending at a newline or at {@code length}. */
    private List<LogLine> parse(byte[] bytes, int length, Instant since, Instant fallback) {
        List<LogLine> out = new ArrayList<>();
        Instant previous = fallback;
        int start = 0;
        while (start < length) {
            int end = start;
            while (end < length && bytes[end] != '\n') {
                end++;
            }
            LogLine line = parseLine(bytes, start, end, previous);
            previous = line.at();
            if (since == null || !line.at().isBefore(since)) {
                out.add(line);
            }
            start = end + 1;
        }
        return out;
    }

    /** One stored line: {@code "<epoch ms> <O|E><text>"}; anything else is text stamped like the line before it. */
    LogLine parseLine(byte[] b, int start, int end, Instant previous) {
        int i = start;
        long ms = 0;
        while (i < end && b[i] >= '0' && b[i] <= '9' && i - start < 16) {
            ms = ms * 10 + (b[i] - '0');
            i++;
        }
        if (i > start && i + 1 < end && b[i] == ' ' && (b[i + 1] == 'O' || b[i + 1] == 'E')) {
            LogLine.Stream stream = b[i + 1] == 'E' ? LogLine.Stream.STDERR : LogLine.Stream.STDOUT;
            return new LogLine(serverId, Instant.ofEpochMilli(ms), stream, text(b, i + 2, end));
        }
        return new LogLine(serverId, previous, LogLine.Stream.STDOUT, text(b, start, end));
    }

    private static String text(byte[] b, int from, int to) {
        int end = to;
        if (end > from && b[end - 1] == '\r') {
            end--;
        }
        return new String(b, from, end - from, StandardCharsets.UTF_8);
    }

    /** Length of the prefix of {@code bytes[0, length)} that ends with a newline (0 when there is none). */
    private static int wholeLinesLength(byte[] bytes, int length) {
        for (int i = length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    private static byte[] readAll(RecordFiles.LogFile f) throws IOException {
        try {
            return Files.readAllBytes(f.path());
        } catch (NoSuchFileException e) {
            return new byte[0]; // rotated away just now
        }
    }

    /** Up to {@code max} bytes from {@code offset}; null when the file is gone. */
    private static byte[] readRange(RecordFiles.LogFile f, long offset, int max) throws IOException {
        try (FileChannel ch = FileChannel.open(f.path(), StandardOpenOption.READ)) {
            long size = ch.size();
            if (offset >= size) {
                return new byte[0];
            }
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(max, size - offset));
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    break;
                }
            }
            byte[] out = new byte[buf.position()];
            buf.flip().get(out);
            return out;
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** The stamp of the file's last line, or {@code Long.MAX_VALUE} when it cannot be told cheaply (never skip then). */
    private long lastStampMillis(RecordFiles.LogFile f) throws IOException {
        long size;
        try {
            size = Files.size(f.path());
        } catch (NoSuchFileException e) {
            return Long.MIN_VALUE;
        }
        byte[] tail = readRange(f, Math.max(0, size - TAIL_PROBE), TAIL_PROBE);
        if (tail == null) {
            return Long.MIN_VALUE;
        }
        int end = wholeLinesLength(tail, tail.length) - 1;
        if (end < 0) {
            return Long.MAX_VALUE;
        }
        int start = end;
        while (start > 0 && tail[start - 1] != '\n') {
            start--;
        }
        if (start == 0 && size > TAIL_PROBE) {
            return Long.MAX_VALUE;
        }
        LogLine last = parseLine(tail, start, end, null);
        return last.at() == null ? Long.MAX_VALUE : last.at().toEpochMilli();
    }

    private static Instant fallbackStamp(RecordFiles.LogFile f) {
        try {
            return Files.getLastModifiedTime(f.path()).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }
}
