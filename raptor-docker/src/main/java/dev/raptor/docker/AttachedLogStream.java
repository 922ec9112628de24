package dev.raptor.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A followed container's output: the engine's log for what came before (the request's tail and since), then
 * the container's attach stream for what comes next, joined by an {@link OutputSeam} per output stream.
 *
 * <p>Why not the log's own follow ({@code logs?follow=1}): Docker 20.10's json-file follow stream loses and
 * repeats messages when the log rotates (measured: a third of a 200,000-line flood lost across the 10 MiB
 * rotation), and a chatty server rotates its log all day. The attach stream is the container's output as it
 * is written, not a file: it never rotates. It carries no stamps, so the log stays the source of history,
 * of stamps up to the seam, and of where a new run begins ({@link LogRequest#since()}).
 *
 * <p>How, on the calling thread (the stream's reader): inspect (a container that does not run has only
 * history: one read of the log, as before); attach ({@code POST /containers/{id}/attach?stream=1}, no
 * input, no logs), which the engine hooks to the output before it answers; then read the attach until the
 * container stops, while a second thread reads the log until both seams are found, and then ends: at once
 * with the request's tail and since (history rotates away fast in a flood; with no since, everything stamped
 * from the instant the follow was asked for, and the tail from before it: the stream opens on a thread of its
 * own, tenths of a second late on a busy machine, and the lines meanwhile are new ones), then, once the log has surely
 * caught up with the attach's beginning, from where it got, until the seams show. Bytes that come on the attach before
 * their seam is found are held (bounded); the seams are forced after {@link #DEADLINE}. The stream's
 * {@code onStart} comes once the seams are found, so the open timeout of {@link EngineStream} covers finding
 * them.
 *
 * <p>Costs: two engine connections per follower while the seam is looked for, one afterwards (the attach
 * replaces the log's follow stream), and a few short log reads ({@code tail}={@value #REREAD_TAIL} with a
 * precise {@code since}; the request's tail and a few more) at the start. An attach that is not read makes the engine wait with the container's
 * output once a megabyte is buffered, so the reader never waits for anything but the socket.
 *
 * <p>{@code since} and the window of the seam compare the engine's stamps with this machine's clock, so both are
 * taken on one time line ({@link EngineClock}): the log's stamps arrive in this machine's time, placed at the
 * latest instant they can stand for, and the attach's bytes carry this machine's clock. A remote engine (TCP)
 * whose clock is minutes off thus neither has its history taken for live output (lines doubled) nor a new
 * run's lines cut off; the window is wider by the offset's uncertainty, never narrower.
 */
final class AttachedLogStream {
    private static final Logger log = LoggerFactory.getLogger(AttachedLogStream.class);
    /** Nothing changed on a stream for this long after the attach: what the log shows of it is all it will. */
    static final Duration SETTLE = Duration.ofMillis(50);
    /** The seams are forced this long after the attach. */
    static final Duration DEADLINE = Duration.ofSeconds(3);
    /**
     * How far the engine's log writer may lag behind the container's output: it reads from a pipe that holds
     * about a megabyte before the container's writes wait for it (Docker's BytesPipe), plus a read's worth.
     * Once the attach has this much more than the evidence a seam needs, the log holds that evidence.
     */
    static final long LOG_LAG_BYTES = (1L << 20) + (64 << 10);
    /** The longest the first read of the log waits for the log to catch up with the attach's beginning. */
    static final Duration FIRST_READ_WAIT = Duration.ofSeconds(1);
    /** Messages asked for when reading the log again; a read that returns as many asks for four times more. */
    static final int REREAD_TAIL = 20_000;
    /** Messages asked for beyond the tail and the new ones, for those written while the log is read. */
    private static final int TAIL_SLACK = 64;
    private static final Duration FIRST_PAUSE = Duration.ofMillis(10);
    private static final Duration MAX_PAUSE = Duration.ofMillis(100);
    private static final int READ_BYTES = 64 * 1024;

    private record Message(LogLine.Stream stream, Instant at, byte[] bytes) {
    }

    private final EngineConnection.Clients clients;
    private final URI dockerHost;
    private final ContainerRef ref;
    private final LogRequest request;
    /** When the follow was asked for (this machine's clock): every line the log stamps from then on is new. */
    private final Instant subscribedAt;
    private final ResultCallback<EngineLogStream.Piece> callback;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition attachEnd = lock.newCondition();
    private final OutputSeam[] seams = new OutputSeam[2];
    private volatile boolean attachEnded;
    private volatile DockerHttpClient.Response attach;
    private volatile Closeable reading;

    private AttachedLogStream(EngineConnection.Clients clients, URI dockerHost, ContainerRef ref, LogRequest request,
                              Instant subscribedAt, ResultCallback<EngineLogStream.Piece> callback) {
        this.clients = clients;
        this.dockerHost = dockerHost;
        this.ref = ref;
        this.request = request;
        this.subscribedAt = subscribedAt;
        this.callback = callback;
    }

    /**
     * Follows {@code ref}'s output as {@code request} says, on the calling thread, until the container stops
     * or the stream is closed; the callback hears it as from {@link EngineLogStream#run}.
     *
     * @param subscribedAt when the caller asked for the follow (this machine's clock, null: no earlier than the
     *                     attach). The stream is opened on another thread, which on a loaded machine runs tenths
     *                     of a second later, and a chatty server writes thousands of lines meanwhile: those are new
     *                     lines to the caller, not history its {@code tail} may leave out.
     */
    static void run(EngineConnection.Clients clients, URI dockerHost, ContainerRef ref, LogRequest request,
                    Instant subscribedAt, ResultCallback<EngineLogStream.Piece> callback) {
        new AttachedLogStream(clients, dockerHost, ref, request, subscribedAt, callback).follow();
    }

    private void follow() {
        boolean running;
        try {
            InspectContainerResponse c = clients.calls().inspectContainerCmd(ref.id()).exec();
            running = c.getState() != null && Boolean.TRUE.equals(c.getState().getRunning());
        } catch (Exception e) {
            callback.onError(e);
            return;
        }
        if (!running) {
            // nothing will be written: the history is all there is (the attach of a stopped container would
            // wait for its next run), with what was written since the follow was asked for
            if (request.since() == null && subscribedAt != null) {
                replayHistory();
                return;
            }
            EngineLogStream.run(clients.streamTransport(), path(request.tail(), request.since()), request.since(), clients.clock(), callback);
            return;
        }
        Instant attachedAfter = clients.clock().now();
        try {
            CallContext context = CallContext.current();
            if (context != null) {
                context.enter();
            }
            attach = HijackedConnection.open(dockerHost, clients.tls(), DockerHttpClient.Request.builder()
                    .method(DockerHttpClient.Request.Method.POST)
                    .path("/v" + clients.apiVersion().getVersion() + "/containers/"
                            + URLEncoder.encode(ref.id(), StandardCharsets.UTF_8) + "/attach?stream=1&stdout=1&stderr=1")
                    .build());
            EngineLogStream.requireSuccess(attach);
        } catch (Exception e) {
            closeQuietly(attach);
            callback.onError(e);
            return;
        }
        seams[0] = new OutputSeam(attachedAfter, request.since(), (at, b, off, len) ->
                callback.onNext(new EngineLogStream.Piece(LogLine.Stream.STDOUT, at, b, off, len, false)));
        seams[1] = new OutputSeam(attachedAfter, request.since(), (at, b, off, len) ->
                callback.onNext(new EngineLogStream.Piece(LogLine.Stream.STDERR, at, b, off, len, false)));
        Thread history = Thread.ofVirtual().name("raptor-docker-logs-seam").start(() -> findSeams(attachedAfter));
        Exception failure = null;
        try {
            readAttach(attach.getBody());
        } catch (Exception e) {
            failure = e;
        } finally {
            lock.lock();
            try {
                attachEnded = true;
                attachEnd.signalAll();
            } finally {
                lock.unlock();
            }
        }
        try {
            history.join();
        } catch (InterruptedException e) {
            history.interrupt();
            Thread.currentThread().interrupt();
        }
        closeQuietly(attach);
        if (failure != null) {
            callback.onError(failure);
        } else {
            callback.onComplete();
        }
    }

    /** The history and what came since the follow was asked for, of a container that has stopped since. */
    private void replayHistory() {
        List<Message> messages;
        try {
            CallContext context = CallContext.current();
            if (context != null) {
                context.enter();
            }
            messages = history();
        } catch (Exception e) {
            callback.onError(e);
            return;
        }
        callback.onStart(this::abort);
        for (Message m : messages) {
            callback.onNext(new EngineLogStream.Piece(m.stream(), m.at(), m.bytes(), 0, m.bytes().length, true));
        }
        callback.onComplete();
    }

    /** Frames of the attach stream (multiplexed: no TTY), handed to their stream's seam as they arrive. */
    private void readAttach(InputStream body) throws IOException {
        byte[] header = new byte[8];
        // grown to the largest frame met, up to READ_BYTES: most servers write short lines, and every recreate
        // attaches again (a whole 64 KiB per attach before, kept for the container's life)
        byte[] buffer = new byte[EngineLogStream.FIRST_BUFFER_BYTES];
        while (true) {
            int got = body.readNBytes(header, 0, 8);
            if (got == 0) {
                return;
            }
            if (got < 8) {
                throw new EOFException("the engine's attach stream ended inside a frame header");
            }
            int s = switch (header[0]) {
                case 0, 1 -> 0;
                case 2 -> 1;
                default -> throw new IOException("the engine's attach stream is not multiplexed (stream type "
                        + (header[0] & 0xff) + "); Raptor does not run containers with a TTY");
            };
            long size = ((header[4] & 0xffL) << 24) | ((header[5] & 0xffL) << 16) | ((header[6] & 0xffL) << 8) | (header[7] & 0xffL);
            while (size > 0) {
                if (size > buffer.length && buffer.length < READ_BYTES) {
                    buffer = new byte[(int) Math.min(READ_BYTES, Math.max(size, buffer.length * 2L))];
                }
                int n = body.read(buffer, 0, (int) Math.min(size, buffer.length));
                if (n < 0) {
                    throw new EOFException("the engine's attach stream ended inside a frame");
                }
                size -= n;
                Instant now = clients.clock().now();
                lock.lock();
                try {
                    seams[s].attached(now, buffer, 0, n);
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Reads the log until both seams are found (or forced), then tells the stream it is open. */
    private void findSeams(Instant attachedAfter) {
        try {
            CallContext context = CallContext.current();
            if (context != null) {
                context.enter();
            }
            // the history at once (in a flood it rotates away within seconds), then the log's catching up
            boolean endedBeforeRead = attachEnded;
            feed(history());
            if (awaitLogCatchingUp(attachedAfter)) {
                endedBeforeRead = attachEnded;
                readAgain();
            }
            long[] seen = {-1, -1};
            Duration pause = FIRST_PAUSE;
            while (true) {
                Duration elapsed = Duration.between(attachedAfter, clients.clock().now());
                boolean allFound = true;
                lock.lock();
                try {
                    for (int s = 0; s < 2; s++) {
                        OutputSeam seam = seams[s];
                        if (seam.found()) {
                            continue;
                        }
                        boolean settled = seam.changes() == seen[s] && elapsed.compareTo(SETTLE) >= 0;
                        seen[s] = seam.changes();
                        boolean force = endedBeforeRead || elapsed.compareTo(DEADLINE) >= 0 || seam.full();
                        OutputSeam.Found found = seam.decide(settled, force);
                        switch (found) {
                            case AMBIGUOUS -> log.info("console seam between the engine's log and the attach chosen among repeated "
                                    + "output after {} ms server={} stream={}", elapsed.toMillis(), ref.serverId(), name(s));
                            case GAP -> log.warn("the engine's log rotated past where the attach begins before it could be read; "
                                    + "lines between are lost server={} stream={}", ref.serverId(), name(s));
                            case FORCED -> log.warn("console seam between the engine's log and the attach not found within {} ms; "
                                    + "joined where the log ends server={} stream={}", elapsed.toMillis(), ref.serverId(), name(s));
                            default -> {
                            }
                        }
                        allFound &= seam.found();
                    }
                    if (allFound) {
                        break;
                    }
                    if (!attachEnded) {
                        attachEnd.await(pause.toNanos(), TimeUnit.NANOSECONDS);
                    }
                } finally {
                    lock.unlock();
                }
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
                endedBeforeRead = attachEnded;
                readAgain();
            }
        } catch (InterruptedException e) {
            return; // closed
        } catch (Exception e) {
            if (CallContext.current() != null && CallContext.current().cancelled()) {
                return;
            }
            log.warn("reading the engine's log for the console seam failed; going on from the attach server={}: {}",
                    ref.serverId(), e.toString());
            lock.lock();
            try {
                for (OutputSeam seam : seams) {
                    seam.decide(true, true);
                }
            } finally {
                lock.unlock();
            }
        }
        callback.onStart(this::abort);
    }

    /**
     * The first read of the log: the request's history, and every message stamped since the follow was asked
     * for. A tail alone is read at the attach, not at the request: the lines a server wrote between the two
     * (thousands, in a flood on a busy machine) would be cut off by a short tail, and by a tail of 0 entirely.
     * So the messages since the request are read first (in a flood they rotate away soonest), then a tail long
     * enough to reach before the request (the engine cuts its tail before it applies an {@code until}), of which
     * the last {@code tail} messages from before the request are the history.
     */
    private List<Message> history() throws Exception {
        if (request.tail() < 0 && request.since() != null) {
            return readSince(request.since());
        }
        if (request.since() != null || subscribedAt == null) {
            return read(path(request.tail(), request.since()), request.since());
        }
        List<Message> fresh = readSince(subscribedAt);
        List<Message> out = new ArrayList<>();
        if (request.tail() != 0) {
            // as many as were new a moment ago and a few more: a quiet server's follow reads hardly more than its tail
            int tail = request.tail() < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE / 4, (long) request.tail() + fresh.size() + TAIL_SLACK);
            for (int look = 0; ; look++) {
                List<Message> read = read(path(tail, null), null);
                out.clear();
                for (Message m : read) {
                    if (m.at().isBefore(subscribedAt)) {
                        out.add(m);
                    }
                }
                // fewer than asked for: that is the whole log; a third look takes what it has
                if (tail < 0 || out.size() >= request.tail() || read.size() < tail || look == 2) {
                    break;
                }
                tail = (int) Math.min(Integer.MAX_VALUE / 4, 4L * tail);
            }
            if (request.tail() > 0 && out.size() > request.tail()) {
                out.subList(0, out.size() - request.tail()).clear();
            }
        }
        out.addAll(fresh);
        return out;
    }

    /**
     * Waits until the log surely holds the beginning of the attach and the evidence after it, so that the next
     * read finds the seam; false when nothing came on the attach at all (no second read is needed). A server
     * that prints a few lines and pauses is waited for only until it pauses: the log writer keeps up with it.
     * A flood is waited for until the attach is {@link #LOG_LAG_BYTES} and the evidence ahead of its
     * beginning: the log writer lags that much behind at most, and the log rotates within seconds in a flood,
     * so a read that comes too early misses what the next one may find rotated away.
     */
    private boolean awaitLogCatchingUp(Instant attachedAfter) throws InterruptedException {
        long lastHeld = -1;
        int still = 0;
        lock.lock();
        try {
            while (!attachEnded) {
                long held = seams[0].held() + seams[1].held();
                still = held == lastHeld ? still + 1 : 0;
                // nothing yet, or a few lines and then a pause (three looks: a busy machine pauses readers too)
                if (held == 0 && lastHeld == 0) {
                    return false; // nothing is coming: the first read has seen what there is
                }
                if (still >= 3 || held >= LOG_LAG_BYTES + OutputSeam.EVIDENCE_BYTES
                        || Duration.between(attachedAfter, clients.clock().now()).compareTo(FIRST_READ_WAIT) >= 0) {
                    return true;
                }
                lastHeld = held;
                attachEnd.await(FIRST_PAUSE.toNanos(), TimeUnit.NANOSECONDS);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Reads the log from where the streams still looking for their seam got to. */
    private void readAgain() throws Exception {
        Instant from = null;
        lock.lock();
        try {
            for (OutputSeam seam : seams) {
                if (!seam.found() && (from == null || seam.readAgainFrom().isBefore(from))) {
                    from = seam.readAgainFrom();
                }
            }
        } finally {
            lock.unlock();
        }
        if (from == null) {
            return;
        }
        feed(readSince(from));
    }

    /**
     * Every message from {@code since} on, asking for the last {@value #REREAD_TAIL} first: the engine reads a
     * tail from the end of its log, but a {@code since} alone from its beginning (all 30 MiB of it, which in a
     * flood takes long enough for the log to rotate past what was to be read). A read that returns as many
     * messages as it asked for may have cut into them, so it asks again for four times more, then for all.
     */
    private List<Message> readSince(Instant since) throws Exception {
        List<Message> read;
        int tail = REREAD_TAIL;
        while ((read = read(path(tail, since), since)).size() >= tail && tail > 0) {
            tail = tail >= 4 * REREAD_TAIL ? -1 : tail * 4;
        }
        return read;
    }

    /** Hands the messages of one read of the log to their seams, as a read of their own. */
    private void feed(List<Message> messages) {
        lock.lock();
        try {
            for (OutputSeam seam : seams) {
                seam.readingAgain();
            }
            for (Message m : messages) {
                seams[m.stream() == LogLine.Stream.STDERR ? 1 : 0].logged(m.at(), m.bytes());
            }
        } finally {
            lock.unlock();
        }
    }

    /** One read of the log (not following), as whole messages. */
    private List<Message> read(String path, Instant since) throws Exception {
        List<Message> out = new ArrayList<>();
        Exception[] failed = new Exception[1];
        EngineLogStream.run(clients.streamTransport(), path, since, clients.clock(), new ResultCallback<>() {
            private LogLine.Stream stream;
            private Instant at;
            private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);

            @Override
            public void onStart(Closeable closeable) {
                reading = closeable;
            }

            @Override
            public void onNext(EngineLogStream.Piece p) {
                if (p.first()) {
                    flush();
                    stream = p.stream();
                    at = p.at();
                }
                bytes.write(p.bytes(), p.offset(), p.length());
            }

            private void flush() {
                if (stream != null) {
                    out.add(new Message(stream, at, bytes.toByteArray()));
                    bytes.reset();
                    stream = null;
                }
            }

            @Override
            public void onError(Throwable throwable) {
                failed[0] = throwable instanceof Exception e ? e : new IOException(throwable);
            }

            @Override
            public void onComplete() {
                flush();
            }

            @Override
            public void close() {
            }
        });
        reading = null;
        if (failed[0] != null) {
            throw failed[0];
        }
        return out;
    }

    private static String name(int stream) {
        return stream == 0 ? "stdout" : "stderr";
    }

    private String path(int tail, Instant since) {
        return EngineLogStream.path(clients.apiVersion().getVersion(), ref.id(), new LogRequest(tail, false, since), clients.clock());
    }

    private void abort() {
        closeQuietly(attach);
        Closeable r = reading;
        if (r != null) {
            try {
                r.close();
            } catch (IOException | RuntimeException ignored) {
                // closing is all we wanted
            }
        }
    }

    private static void closeQuietly(DockerHttpClient.Response r) {
        if (r != null) {
            try {
                r.close();
            } catch (RuntimeException ignored) {
                // closing is all we wanted
            }
        }
    }
}
