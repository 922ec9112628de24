package dev.raptor.api.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.api.testing.ApiExchanges;
import dev.raptor.wire.json.WireJson;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A console socket client on the JDK's WebSocket: records every event it receives, splits
 * {@code console output} into lines (keeping the numbers of {@code line N} flood lines compactly, whatever
 * follows the number),
 * and can be told never to read (a stuck browser). Every frame is checked against openapi.json's
 * {@code SocketMessage} ({@link ApiExchanges#frame}); closing the client fails on any that disagreed.
 */
final class SocketClient implements WebSocket.Listener, AutoCloseable {
    /** One received message. */
    record Event(String event, List<String> args) {
        String arg() {
            return args.isEmpty() ? null : args.getFirst();
        }
    }

    private final boolean reads;
    private final StringBuilder partial = new StringBuilder();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<Event> all = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final List<String> lines = new ArrayList<>();
    private final boolean keepLines;
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    /** The N of every {@code line N} received, in order (compact: a hundred clients each keep 20,000). */
    private int[] flood = new int[0];
    private int floodLines;
    volatile WebSocket socket;
    /** What to do the moment a message of an event arrives (see {@link #onArrival}). */
    private final java.util.Map<String, Runnable> arrivals = new java.util.concurrent.ConcurrentHashMap<>();
    /** Frames that disagreed with openapi.json's SocketMessage; {@link #close()} fails the test with them. */
    private final List<String> schemaDisagreements = new CopyOnWriteArrayList<>();

    private SocketClient(boolean reads, boolean keepLines) {
        this.reads = reads;
        this.keepLines = keepLines;
    }

    static SocketClient connect(HttpClient http, URI uri, String bearer) {
        return connect(http, uri, bearer, true, true);
    }

    /** @param reads false: a client that never takes a message off the socket */
    static SocketClient connect(HttpClient http, URI uri, String bearer, boolean reads, boolean keepLines) {
        SocketClient c = new SocketClient(reads, keepLines);
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        c.socket = b.buildAsync(uri, c).orTimeout(60, TimeUnit.SECONDS).join();
        return c;
    }

    void send(String event, String... args) {
        ObjectNode o = WireJson.mapper().createObjectNode();
        o.put("event", event);
        ArrayNode a = o.putArray("args");
        for (String arg : args) {
            a.add(arg);
        }
        socket.sendText(WireJson.write(o), true).orTimeout(30, TimeUnit.SECONDS).join();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        if (reads) {
            webSocket.request(1);
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            JsonNode n = WireJson.parse(text);
            List<String> args = new ArrayList<>();
            n.path("args").forEach(v -> args.add(v.asText()));
            Event e = new Event(n.path("event").asText(), args);
            schemaDisagreements.addAll(ApiExchanges.frame(text, e.event(), e.args()));
            if (e.event().equals("console output")) {
                consoleOutput(e.arg());
            }
            Runnable arrival = arrivals.get(e.event());
            if (arrival != null) {
                arrival.run();
            }
            all.add(e);
            events.add(e);
        }
        webSocket.request(1);
        return null;
    }

    private void consoleOutput(String text) {
        lock.lock();
        try {
            for (String line : text.split("\n", -1)) {
                if (keepLines) {
                    lines.add(line);
                }
                if (line.startsWith("line ")) {
                    if (flood.length == floodLines) {
                        flood = java.util.Arrays.copyOf(flood, Math.max(1024, flood.length * 2));
                    }
                    int end = line.indexOf(' ', 5); // "line N", or "line N" and a padding
                    flood[floodLines++] = Integer.parseInt(line, 5, end < 0 ? line.length() : end, 10);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
    }

    /**
     * Runs {@code action} on the client's reading thread the moment a message of {@code event} arrives, before the
     * message is handed on: the earliest a client can act on it.
     */
    void onArrival(String event, Runnable action) {
        arrivals.put(event, action);
    }

    /** Flood lines ({@code line N}) received so far. */
    int floodLines() {
        lock.lock();
        try {
            return floodLines;
        } finally {
            lock.unlock();
        }
    }

    /** The N of every flood line received, in order. */
    int[] floodSequence() {
        lock.lock();
        try {
            return java.util.Arrays.copyOf(flood, floodLines);
        } finally {
            lock.unlock();
        }
    }

    List<String> lines() {
        lock.lock();
        try {
            return List.copyOf(lines);
        } finally {
            lock.unlock();
        }
    }

    boolean sawLine(String line) {
        lock.lock();
        try {
            return lines.contains(line);
        } finally {
            lock.unlock();
        }
    }

    /** Every event received so far, awaited or not. */
    List<Event> events() {
        return List.copyOf(all);
    }

    /** Waits for the next event matching {@code which}, skipping (and dropping) the others before it. */
    Event await(Predicate<Event> which, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                Event e = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
                if (e == null) {
                    throw new AssertionError("no matching event within " + timeout);
                }
                if (which.test(e)) {
                    return e;
                }
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    Event await(String event, Duration timeout) {
        return await(e -> e.event().equals(event), timeout);
    }

    @Override
    public void close() {
        WebSocket s = socket;
        if (s != null && !s.isOutputClosed()) {
            try {
                s.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(10, TimeUnit.SECONDS).join();
            } catch (RuntimeException e) {
                // already gone
            }
        }
        if (s != null) {
            s.abort();
        }
        if (!schemaDisagreements.isEmpty()) {
            throw new AssertionError("console socket frames disagree with openapi.json:\n  "
                    + String.join("\n  ", schemaDisagreements.subList(0, Math.min(20, schemaDisagreements.size()))));
        }
    }
}
