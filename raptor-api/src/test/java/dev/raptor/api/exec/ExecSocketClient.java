package dev.raptor.api.exec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.testing.OpenApiSchemas;
import dev.raptor.wire.exec.ExecSocketMessage;
import dev.raptor.wire.json.WireJson;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An exec socket client on the JDK's WebSocket: sends the start message, input and resizes, and keeps what comes
 * back (output by stream, the text messages, the close code). Every text message is checked against openapi.json's
 * {@code ExecSocketMessage}; {@link #disagreements()} lists those that did not fit.
 */
final class ExecSocketClient implements WebSocket.Listener, AutoCloseable {
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final StringBuilder partialText = new StringBuilder();
    private final ByteArrayOutputStream partialBinary = new ByteArrayOutputStream();
    final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    private final List<String> disagreements = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile WebSocket socket;

    static ExecSocketClient connect(HttpClient http, URI uri, String bearer) {
        ExecSocketClient c = new ExecSocketClient();
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        c.socket = b.buildAsync(uri, c).orTimeout(60, TimeUnit.SECONDS).join();
        return c;
    }

    void text(String json) {
        socket.sendText(json, true).orTimeout(30, TimeUnit.SECONDS).join();
    }

    void type(String input) {
        socket.sendBinary(ByteBuffer.wrap(input.getBytes(StandardCharsets.UTF_8)), true).orTimeout(30, TimeUnit.SECONDS).join();
    }

    void resize(int columns, int rows) {
        text(ExecSocketMessage.resize(columns, rows).toJson());
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partialText.append(data);
        if (last) {
            String text = partialText.toString();
            partialText.setLength(0);
            disagreements.addAll(OpenApiSchemas.shipped().disagreementsWith("ExecSocketMessage", text));
            messages.add(WireJson.parse(text));
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        partialBinary.writeBytes(b);
        if (last) {
            byte[] frame = partialBinary.toByteArray();
            partialBinary.reset();
            synchronized (this) {
                (frame[0] == ExecSocketMessage.STDERR ? stderr : stdout).write(frame, 1, frame.length - 1);
            }
        }
        webSocket.request(1);
        return null;
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

    synchronized String stdout() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    synchronized String stderr() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    /** The first text message of {@code type}, if one came. */
    JsonNode message(String type) {
        return messages.stream().filter(m -> type.equals(m.path("type").asText())).findFirst().orElse(null);
    }

    List<String> disagreements() {
        return List.copyOf(disagreements);
    }

    @Override
    public void close() {
        socket.abort();
    }
}
