package dev.raptor.bench.daemon;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One console WebSocket ({@code /api/v1/servers/{id}/ws}, Wings-style {@code {"event","args"}}
 * messages), counting {@code console output} lines as a browser would receive them: a message may
 * carry one line or a batch of lines, in one argument or several. Remembers when it saw a chosen
 * marker line (e.g. {@code line 20000}), and the lines the daemon said it dropped.
 */
public final class ConsoleSocket implements WebSocket.Listener, AutoCloseable {
    private final CountDownLatch authenticated = new CountDownLatch(1);
    private volatile boolean authOk;
    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong floodLines = new AtomicLong();
    private final AtomicLong dropNotices = new AtomicLong();
    private final AtomicLong droppedLines = new AtomicLong();
    private final StringBuilder partial = new StringBuilder();
    private volatile String marker;
    private volatile CountDownLatch markerSeen = new CountDownLatch(1);
    private volatile long markerAtNanos;
    private volatile String lastError;
    private WebSocket socket;

    private ConsoleSocket() {
    }

    /** Connects with the API key in the Authorization header and waits (bounded) for {@code auth success}. */
    public static ConsoleSocket open(HttpClient http, DaemonProcess daemon, UUID server, Duration timeout) throws Exception {
        ConsoleSocket s = new ConsoleSocket();
        URI uri = URI.create("ws://127.0.0.1:" + daemon.port() + "/api/v1/servers/" + server + "/ws");
        s.socket = http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + daemon.apiKey())
                .connectTimeout(timeout)
                .buildAsync(uri, s)
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!s.authenticated.await(timeout.toMillis(), TimeUnit.MILLISECONDS) || !s.authOk) {
            s.close();
            throw new IllegalStateException("no 'auth success' on the console of " + server + " within " + timeout
                    + (s.lastError == null ? "" : " (" + s.lastError + ")"));
        }
        return s;
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

    public long lines() {
        return lines.get();
    }

    /** Lines of a {@code flood} ({@code line <n>}) since the last {@link #resetCounts()}. */
    public long floodLines() {
        return floodLines.get();
    }

    /** Lines the daemon said it dropped for this socket (from its notices) since the last reset. */
    public long droppedLines() {
        return droppedLines.get();
    }

    public long dropNotices() {
        return dropNotices.get();
    }

    public void resetCounts() {
        lines.set(0);
        floodLines.set(0);
        dropNotices.set(0);
        droppedLines.set(0);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            try {
                handle(ApiClient.JSON.readTree(text));
            } catch (Exception e) {
                lastError = "unreadable message: " + e.getMessage();
            }
        }
        webSocket.request(1);
        return null;
    }

    private void handle(JsonNode msg) {
        String event = msg.path("event").asText();
        JsonNode args = msg.path("args");
        switch (event) {
            case "auth success" -> {
                authOk = true;
                authenticated.countDown();
            }
            case "console output" -> {
                for (JsonNode arg : args) {
                    countLines(arg.asText());
                }
            }
            case "daemon message" -> {
                String text = args.path(0).asText();
                if (text.contains("dropped")) {
                    dropNotices.incrementAndGet();
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+) ").matcher(text);
                    if (m.find()) {
                        droppedLines.addAndGet(Long.parseLong(m.group(1)));
                    }
                }
            }
            case "daemon error", "jwt error", "token expired" -> lastError = event + ": " + args;
            default -> {
                // status, stats, token expiring: not counted
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
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        lastError = "closed " + statusCode + " " + reason;
        authenticated.countDown();
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        lastError = error.toString();
        authenticated.countDown();
    }

    public String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        if (socket != null && !socket.isOutputClosed()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bench done").get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                socket.abort();
            }
        }
        if (socket != null) {
            socket.abort();
        }
    }
}
