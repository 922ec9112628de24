package dev.raptor.bench.daemon;

import dev.raptor.wire.client.ConsoleWebSocket;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.console.SocketMessage;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One console WebSocket ({@link ConsoleWebSocket}, authenticated with the client's API key as a panel
 * would be), counting {@code console output} lines as a browser would receive them: a message may carry
 * one line or a batch of lines. It reads output as cheaply as {@code docker logs -f}'s reader reads its
 * pipe ({@link ConsoleWebSocket.OutputBytes}: each frame's bytes are scanned where the client read them,
 * no string, no JSON tree, nothing allocated per frame), so that a fan-out figure is about the daemon and
 * not about the reader. Checks that a flood's lines come once each and in order ({@link FloodTally}),
 * remembers when the flood's last line arrived, the lines the daemon said it dropped, and the messages and
 * bytes it took.
 */
public final class ConsoleCounter implements ConsoleWebSocket.OutputBytes, AutoCloseable {
    private static final Pattern DROPPED = Pattern.compile("^(\\d+) ");
    private static final int PREFIX_BYTES = OUTPUT_PREFIX.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;

    // the reader's own (Jetty hands one socket's frames over one at a time); published by the volatile `frames`
    private final FloodTally tally = new FloodTally();
    private long messages;
    private long bytes;
    private boolean messageStart = true;
    private volatile long droppedLines;
    private volatile long frames;

    private volatile long markerLine;
    private volatile CountDownLatch markerSeen = new CountDownLatch(1);
    private volatile long markerAtNanos;
    private volatile String lastError;
    private ConsoleWebSocket socket;

    private ConsoleCounter() {
    }

    /** Connects and waits (bounded) for {@code auth success}. */
    public static ConsoleCounter open(RaptorClient client, UUID server, Duration timeout) throws InterruptedException {
        ConsoleCounter c = new ConsoleCounter();
        c.socket = client.server(server).console(c);
        if (!c.socket.awaitAuthenticated(timeout)) {
            c.close();
            throw new IllegalStateException("no 'auth success' on the console of " + server + " within " + timeout
                    + (c.lastError == null ? "" : " (" + c.lastError + ")"));
        }
        return c;
    }

    /** From now on, notes the moment {@code line <n>} arrives. Call before the flood, with the counts reset. */
    public void watchFor(long n) {
        markerSeen = new CountDownLatch(1);
        markerAtNanos = 0;
        markerLine = n;
    }

    public boolean awaitMarker(Duration timeout) throws InterruptedException {
        return markerSeen.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@link System#nanoTime()} when the watched line arrived, 0 if it has not. */
    public long markerAtNanos() {
        return markerAtNanos;
    }

    /**
     * What the socket received since the last {@link #resetCounts()}.
     *
     * @param flood        the flood's lines: how many, whether once each and in order
     * @param droppedLines lines the daemon said it dropped for this socket (from its notices)
     * @param messages     {@code console output} messages
     * @param frames       their WebSocket frames
     * @param bytes        their bytes (the frames' payloads)
     */
    public record Counts(FloodTally.Counts flood, long droppedLines, long messages, long frames, long bytes) {
        public long lines() {
            return flood.lines();
        }

        public long floodLines() {
            return flood.floodLines();
        }
    }

    public Counts counts() {
        long f = frames; // the volatile read that makes the reader's writes before it visible
        return new Counts(tally.counts(), droppedLines, messages, f, bytes);
    }

    /** Call only while no output arrives (between floods). */
    public void resetCounts() {
        tally.reset();
        messages = 0;
        bytes = 0;
        droppedLines = 0;
        messageStart = true;
        frames = 0;
    }

    public String lastError() {
        return lastError;
    }

    @Override
    public void onOutputFrame(ByteBuffer json, boolean last) {
        long f = frames; // read first: a reset written before it is seen
        bytes += json.remaining();
        tally.json(json, messageStart ? PREFIX_BYTES : 0);
        if (messageStart) {
            messages++;
        }
        messageStart = last;
        long m = markerLine;
        if (m > 0 && markerAtNanos == 0 && tally.last() >= m) {
            markerAtNanos = System.nanoTime();
            markerSeen.countDown();
        }
        frames = f + 1;
    }

    @Override
    public void onMessage(SocketMessage m) {
        switch (m.event()) {
            case SocketMessage.CONSOLE_OUTPUT -> lastError = "console output not in the daemon's own encoding, its lines not counted: "
                    + m.args().stream().mapToInt(String::length).sum() + " characters";
            case SocketMessage.DAEMON_MESSAGE -> {
                String text = m.arg().orElse("");
                if (text.contains("dropped")) {
                    Matcher d = DROPPED.matcher(text);
                    if (d.find()) {
                        droppedLines = droppedLines + Long.parseLong(d.group(1)); // this socket's reader alone writes it
                    }
                }
            }
            case SocketMessage.DAEMON_ERROR, SocketMessage.JWT_ERROR, SocketMessage.TOKEN_EXPIRED -> lastError = m.event() + ": " + m.args();
            default -> {
                // auth success (awaited by the socket), status, stats, token expiring: not counted
            }
        }
    }

    @Override
    public void onClose(int code, String reason) {
        lastError = "closed " + code + " " + reason;
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.close();
        }
    }
}
