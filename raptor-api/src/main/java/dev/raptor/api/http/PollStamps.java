package dev.raptor.api.http;

import jakarta.servlet.ServletRequest;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Request;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A diagnostic for the benchmark's storm, off unless the system property {@value #PROPERTY} names a file: the
 * {@link System#nanoTime()} stamps of each polled list answer, written to that file when the daemon exits, so that
 * a slow poll's time can be split between the client and the daemon (on Linux {@code nanoTime} is the machine's
 * monotonic clock, the same in every process).
 *
 * <p>Per answer: a selector found the connection readable, the task that reads it began to run (after it waited for a
 * thread: with virtual threads, for a carrier), both from {@link PollStampConnector} ({@code -1} on another connector),
 * Jetty read the headers, the servlet started (after the request waited for a carrier), the answer was ready (the
 * handler's work done), the answer was written (Javalin's request log, after the write). A poll answered where Jetty
 * read it ({@code PolledListInPlace}) has no servlet: its "servlet started" is when its answer began to be made, its
 * "written" when its asynchronous write was handed to Jetty. When the property is absent
 * {@link #ON} is a constant {@code false}, each hook is a branch the JIT removes and the API's connector is Jetty's
 * own. The last {@link #CAPACITY} answers are kept (48 bytes each, 24 MB, allocated only when on).
 */
public final class PollStamps {
    /** The file the stamps go to at exit; absent: no stamps. */
    public static final String PROPERTY = "raptor.api.pollStamps";
    /** The request attribute that carries the answer-ready stamp from the handler to the request log. */
    static final String READY = "raptor.pollStamps.ready";
    static final int CAPACITY = 1 << 19;
    private static final int FIELDS = 6;
    private static final Path FILE = System.getProperty(PROPERTY) == null ? null : Path.of(System.getProperty(PROPERTY));
    /** Whether stamps are taken: a constant of the run. */
    public static final boolean ON = FILE != null;
    private static final long[] STAMPS = ON ? new long[CAPACITY * FIELDS] : null;
    private static final AtomicLong NEXT = new AtomicLong();

    static {
        if (ON) {
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("raptor-poll-stamps").unstarted(PollStamps::write));
        }
    }

    private PollStamps() {
    }

    /** Marks the answer of {@code request} as ready to be written (its handler's work done). */
    public static void ready(ServletRequest request) {
        if (ON) {
            request.setAttribute(READY, System.nanoTime());
        }
    }

    /** Keeps the stamps of a polled answer just written; requests that never called {@link #ready} are not kept. */
    public static void written(ServletRequest request, long servletStartNanos) {
        if (!ON || !(request.getAttribute(READY) instanceof Long ready)) {
            return;
        }
        keep(ServletContextRequest.getServletContextRequest(request), servletStartNanos, ready);
    }

    /**
     * Keeps the stamps of a polled answer written where Jetty read it (no servlet: {@code startNanos} is when the answer
     * began to be made, {@code readyNanos} when its bytes were ready).
     */
    public static void writtenInPlace(Request request, long startNanos, long readyNanos) {
        if (ON) {
            keep(request, startNanos, readyNanos);
        }
    }

    private static void keep(Request jetty, long startNanos, long ready) {
        long now = System.nanoTime();
        long headers = jetty == null ? -1 : jetty.getHeadersNanoTime();
        long selected = -1;
        long started = -1;
        if (jetty != null && jetty.getConnectionMetaData().getConnection().getEndPoint()
                instanceof PollStampConnector.StampedEndPoint endPoint) {
            selected = endPoint.selected();
            started = endPoint.started();
        }
        int at = (int) (NEXT.getAndIncrement() & (CAPACITY - 1)) * FIELDS;
        STAMPS[at] = headers;
        STAMPS[at + 1] = startNanos;
        STAMPS[at + 2] = ready;
        STAMPS[at + 3] = now;
        STAMPS[at + 4] = selected;
        STAMPS[at + 5] = started;
    }

    /** One line per answer, oldest first: headers, servlet start, ready, written, selected, read started (nanoTime). */
    private static void write() {
        long n = NEXT.get();
        long from = Math.max(0, n - CAPACITY);
        StringBuilder out = new StringBuilder((int) (n - from) * 120);
        for (long i = from; i < n; i++) {
            int at = (int) (i & (CAPACITY - 1)) * FIELDS;
            for (int f = 0; f < FIELDS; f++) {
                out.append(STAMPS[at + f]).append(f == FIELDS - 1 ? '\n' : ' ');
            }
        }
        try {
            Files.writeString(FILE, out, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
