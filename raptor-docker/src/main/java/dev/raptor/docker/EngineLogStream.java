package dev.raptor.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A container's log stream ({@code GET /containers/{id}/logs?timestamps=1}), read frame by frame.
 *
 * <p>Why not docker-java's {@code logContainerCmd}: it cuts the engine's frames into 1 KiB pieces and
 * forgets where a frame began. With {@code timestamps=1} the engine starts every frame with its stamp of
 * that message (RFC 3339 with nanoseconds, then a space), and a line longer than the engine's 16 KiB copy
 * buffer arrives as several frames, each stamped: so the stamps can only be taken off at frame boundaries.
 *
 * <p>The stamps make {@link LogLine#at()} the time the engine read the line (not the time Raptor did), and
 * let {@link LogRequest#since()} be applied to the nanosecond: the engine is asked with a fractional
 * {@code since} and every frame stamped earlier is dropped here too. Both sides are put on this machine's time
 * line first ({@link EngineClock}): {@code since} is sent in the engine's time, widened by the offset's
 * uncertainty, and stamps are handed on in this machine's time, so an engine on another host whose clock is
 * minutes off neither hides a new run's lines nor replays the previous run's.
 *
 * <p>They also expose replays. The engine stamps each output stream's messages in the order it reads them,
 * so within stdout (and within stderr) stamps only grow; Docker 20.10's json-file follow stream, though,
 * re-sends earlier messages when it crosses a log rotation (measured: a third of 200,000 lines came twice).
 * A frame stamped earlier than the last one of its stream is such a replay and is dropped, and the log
 * says how many were (a wall clock stepped backwards would look the same, so it is said). Lines the
 * engine loses across a rotation cannot be brought back from here.
 */
final class EngineLogStream {
    private static final Logger log = LoggerFactory.getLogger(EngineLogStream.class);

    /** Payload bytes handed over at a time; a longer frame is delivered in several pieces with one stamp. */
    static final int PIECE_BYTES = 64 * 1024;
    /** A read's first buffer; it grows (to {@link #PIECE_BYTES} at most) when a frame needs more. */
    static final int FIRST_BUFFER_BYTES = 1024;

    /**
     * Part of one engine frame: {@code length} bytes of {@code bytes} from {@code offset}, valid only during the
     * callback (the array is reused).
     *
     * @param at    when the engine stamped the frame; the moment of reading if the frame carried no readable stamp
     * @param first whether this piece begins its frame (one engine message)
     */
    record Piece(LogLine.Stream stream, Instant at, byte[] bytes, int offset, int length, boolean first) {
    }

    private EngineLogStream() {
    }

    /**
     * The request path for {@code request}, at API version {@code apiVersion} (e.g. "1.41"), its {@code since}
     * (this machine's time) sent in the engine's time through {@code clock}.
     */
    static String path(String apiVersion, String containerId, LogRequest request, EngineClock clock) {
        StringBuilder p = new StringBuilder(128)
                .append("/v").append(apiVersion)
                .append("/containers/").append(URLEncoder.encode(containerId, StandardCharsets.UTF_8))
                .append("/logs?stdout=1&stderr=1&timestamps=1")
                .append("&follow=").append(request.follow() ? '1' : '0')
                .append("&tail=").append(request.tail() < 0 ? "all" : Integer.toString(request.tail()));
        if (request.since() != null) {
            // The engine takes fractional seconds ("seconds.nanoseconds") and filters with them.
            p.append("&since=").append(engineSeconds(clock.toEngine(request.since())));
        }
        return p.toString();
    }

    /** {@code at} as the engine's {@code since}/{@code until} parameters take it: {@code seconds.nanoseconds}. */
    static String engineSeconds(Instant at) {
        return at.getEpochSecond() + "." + String.format("%09d", at.getNano());
    }

    /**
     * Sends the request on the calling thread and delivers the frames to {@code callback} until the stream
     * ends: {@code onStart} once the engine answered (its {@code close()} aborts the read), {@code onNext} per
     * piece, then exactly one of {@code onComplete} and {@code onError}.
     */
    static void run(DockerHttpClient transport, String path, Instant since, EngineClock clock, ResultCallback<Piece> callback) {
        Thread reader = Thread.currentThread();
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET)
                .path(path)
                .build();
        try (DockerHttpClient.Response response = transport.execute(request)) {
            requireSuccess(response);
            callback.onStart(() -> {
                reader.interrupt();
                response.close();
            });
            read(response.getBody(), since, clock, callback, path);
            callback.onComplete();
        } catch (Exception e) {
            callback.onError(e);
        }
    }

    /**
     * Reads frames until the end of {@code body}; {@code what} names the stream in the log. Stamps are handed on
     * in this machine's time ({@link EngineClock#toLocal}), and {@code since} is this machine's time too.
     */
    static void read(InputStream body, Instant since, EngineClock clock, ResultCallback<Piece> callback, String what)
            throws IOException {
        byte[] header = new byte[8];
        // grown to the largest piece met, up to PIECE_BYTES: a recreate's seam reads and a console's history are
        // lines of a few dozen bytes, and each read allocated a whole 64 KiB piece buffer before (a few per follow)
        byte[] buffer = new byte[FIRST_BUFFER_BYTES];
        Instant[] lastStamp = new Instant[2]; // per stream: stdout, stderr
        // one translation for the whole read: a measurement taken meanwhile (an events reconnect) must not make
        // a later stamp look earlier, which would be taken for a replay and dropped
        EngineClock.Reading translation = clock.reading();
        long replayed = 0;
        while (true) {
            int got = body.readNBytes(header, 0, 8);
            if (got == 0) {
                return;
            }
            if (got < 8) {
                throw new EOFException("the engine's log stream ended inside a frame header");
            }
            LogLine.Stream stream = switch (header[0]) {
                case 0, 1 -> LogLine.Stream.STDOUT;
                case 2 -> LogLine.Stream.STDERR;
                default -> throw new IOException("the engine's log stream is not multiplexed (stream type "
                        + (header[0] & 0xff) + "); Raptor does not run containers with a TTY");
            };
            long size = ((header[4] & 0xffL) << 24) | ((header[5] & 0xffL) << 16) | ((header[6] & 0xffL) << 8) | (header[7] & 0xffL);
            Instant at = null;
            boolean skip = false;
            boolean first = true;
            while (size > 0) {
                int want = (int) Math.min(size, PIECE_BYTES);
                if (want > buffer.length) {
                    buffer = new byte[Math.min(PIECE_BYTES, Math.max(want, buffer.length * 2))];
                }
                int n = body.readNBytes(buffer, 0, want);
                if (n < want) {
                    throw new EOFException("the engine's log stream ended inside a frame");
                }
                size -= n;
                int offset = 0;
                if (at == null) {
                    int space = stampEnd(buffer, n);
                    at = space < 0 ? null : parseStamp(buffer, space);
                    if (at == null) {
                        at = clock.now(); // no readable stamp: keep the bytes, stamp them now
                    } else {
                        at = translation.toLocal(at);
                        offset = space + 1;
                    }
                    int s = stream == LogLine.Stream.STDERR ? 1 : 0;
                    boolean replay = lastStamp[s] != null && at.isBefore(lastStamp[s]);
                    skip = replay || since != null && at.isBefore(since);
                    if (replay) {
                        replayed++;
                    } else {
                        lastStamp[s] = at;
                        if (replayed > 0) {
                            log.info("dropped {} log messages the engine sent again, stamped before the last one of their "
                                    + "stream (a json-file rotation replay, or the clock went back) stream={}", replayed, what);
                            replayed = 0;
                        }
                    }
                }
                if (!skip && (n > offset || first)) {
                    callback.onNext(new Piece(stream, at, buffer, offset, n - offset, first));
                    first = false;
                }
            }
        }
    }

    /** Index of the space that ends the stamp at the start of a frame, or -1. */
    private static int stampEnd(byte[] b, int length) {
        int limit = Math.min(length, 40);
        for (int i = 0; i < limit; i++) {
            if (b[i] == ' ') {
                return i;
            }
        }
        return -1;
    }

    /**
     * The stamp in {@code b[0, length)}, or null. The engine writes {@code 2006-01-02T15:04:05.000000000Z}
     * (fixed width, UTC), read here without a formatter; any other RFC 3339 form is parsed the slow way.
     */
    static Instant parseStamp(byte[] b, int length) {
        if (length == 30 && b[29] == 'Z' && b[4] == '-' && b[7] == '-' && b[10] == 'T' && b[13] == ':'
                && b[16] == ':' && b[19] == '.') {
            int year = digits(b, 0, 4);
            int month = digits(b, 5, 2);
            int day = digits(b, 8, 2);
            int hour = digits(b, 11, 2);
            int minute = digits(b, 14, 2);
            int second = digits(b, 17, 2);
            int nanos = digits(b, 20, 9);
            if (year >= 0 && month >= 0 && day >= 0 && hour >= 0 && minute >= 0 && second >= 0 && nanos >= 0) {
                try {
                    return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
                } catch (DateTimeException e) {
                    return null;
                }
            }
            return null;
        }
        try {
            return OffsetDateTime.parse(new String(b, 0, length, StandardCharsets.US_ASCII)).toInstant();
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The decimal number in {@code b[from, from + count)}, or -1 if any byte is not a digit. */
    private static int digits(byte[] b, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    /** Turns an error answer into the exception docker-java would have thrown, so EngineErrors maps it alike. */
    static void requireSuccess(DockerHttpClient.Response response) throws IOException {
        int status = response.getStatusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        String body;
        try (InputStream in = response.getBody()) {
            body = in == null ? "" : new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        }
        throw switch (status) {
            case 400 -> new BadRequestException(body);
            case 404 -> new NotFoundException(body);
            case 409 -> new ConflictException(body);
            default -> new DockerException(body, status);
        };
    }
}
