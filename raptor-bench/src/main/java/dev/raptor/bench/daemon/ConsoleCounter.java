package dev.raptor.bench.daemon;

import dev.raptor.wire.client.ConsoleWebSocket;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.console.SocketMessage;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One console WebSocket ({@link ConsoleWebSocket}, authenticated with the client's API key as a panel
 * would be), counting {@code console output} lines as a browser would receive them: a message may carry
 * one line or a batch of lines, in one argument or several. Remembers when it saw a chosen marker line
 * (e.g. {@code line 20000}), and the lines the daemon said it dropped. Its reading is kept as cheap as
 * the harness's earlier reader: each message is parsed once (by the client) and scanned once, with no
 * copy of its lines.
 */
public final class ConsoleCounter implements ConsoleWebSocket.Listener, AutoCloseable {
    private static final Pattern DROPPED = Pattern.compile("^(\\d+) ");

    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong floodLines = new AtomicLong();
    private final AtomicLong droppedLines = new AtomicLong();
    private volatile String marker;
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

    /** From now on, notes the moment {@code line} arrives. */
    public void watchFor(String line) {
        markerSeen = new CountDownLatch(1);
        markerAtNanos = 0;
        marker = line;
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
     * @param floodLines   lines of a {@code flood} ({@code line <n>})
     * @param droppedLines lines the daemon said it dropped for this socket (from its notices)
     */
    public record Counts(long lines, long floodLines, long droppedLines) {
    }

    public Counts counts() {
        return new Counts(lines.get(), floodLines.get(), droppedLines.get());
    }

    public void resetCounts() {
        lines.set(0);
        floodLines.set(0);
        droppedLines.set(0);
    }

    public String lastError() {
        return lastError;
    }

    @Override
    public void onMessage(SocketMessage m) {
        switch (m.event()) {
            case SocketMessage.CONSOLE_OUTPUT -> m.args().forEach(this::countLines);
            case SocketMessage.DAEMON_MESSAGE -> {
                String text = m.arg().orElse("");
                if (text.contains("dropped")) {
                    Matcher d = DROPPED.matcher(text);
                    if (d.find()) {
                        droppedLines.addAndGet(Long.parseLong(d.group(1)));
                    }
                }
            }
            case SocketMessage.DAEMON_ERROR, SocketMessage.JWT_ERROR, SocketMessage.TOKEN_EXPIRED -> lastError = m.event() + ": " + m.args();
            default -> {
                // auth success (awaited by the socket), status, stats, token expiring: not counted
            }
        }
    }

    private void countLines(String text) {
        String m = marker;
        int start = 0;
        int n = text.length();
        while (start < n) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = n;
            }
            int stop = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            lines.incrementAndGet();
            if (text.startsWith("line ", start)) {
                floodLines.incrementAndGet();
            }
            if (m != null && stop - start == m.length() && text.regionMatches(start, m, 0, m.length())) {
                markerAtNanos = System.nanoTime();
                markerSeen.countDown();
            }
            start = end + 1;
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
