package dev.raptor.wire.client;

import dev.raptor.wire.console.SocketMessage;
import dev.raptor.wire.console.WingsStats;
import dev.raptor.wire.json.WireJson;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Frame;
import org.eclipse.jetty.websocket.api.Session;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A server's live console ({@code GET /servers/{id}/ws}), the protocol of Pterodactyl's and Pelican's
 * Wings: {@code {"event": ..., "args": [...]}} text messages both ways ({@link SocketMessage}). Made by
 * {@link ServerClient#console}; the daemon's messages go to the {@link Listener}, one at a time, on the
 * client's threads (a listener that blocks holds up only this socket). Closing it leaves the server as
 * it is.
 *
 * <pre>{@code
 * try (ConsoleWebSocket console = raptor.server(id).console(new ConsoleWebSocket.Listener() {
 *     public void onOutput(String lines) { System.out.println(lines); }
 * })) {
 *     console.awaitAuthenticated(Duration.ofSeconds(5));
 *     console.requestLogs();
 *     console.sendCommand("say hi");
 * }
 * }</pre>
 */
public final class ConsoleWebSocket implements AutoCloseable {
    /** The close code of a normal end. */
    public static final int NORMAL = 1000;

    private final Listener listener;
    private final CountDownLatch authenticated = new CountDownLatch(1);
    private volatile Session session;

    ConsoleWebSocket(Listener listener) {
        this.listener = listener;
    }

    /** What the daemon says on a console socket; every method has a default that ignores it. */
    public interface Listener {
        /**
         * Every message, as it comes; the default hands it to the typed methods below. Override it to see
         * the messages as they are (a front end relaying them, a reader counting them).
         */
        default void onMessage(SocketMessage message) {
            switch (message.event()) {
                case SocketMessage.CONSOLE_OUTPUT -> message.args().forEach(this::onOutput);
                case SocketMessage.STATUS -> message.arg().ifPresent(this::onStatus);
                case SocketMessage.STATS -> message.arg().map(ConsoleWebSocket::stats).ifPresent(this::onStats);
                case SocketMessage.AUTH_SUCCESS -> onAuthenticated();
                default -> onNotice(message);
            }
        }

        /** Output: one or more lines, separated by {@code \n}. */
        default void onOutput(String lines) {
        }

        /** The server's state: {@code offline}, {@code starting}, {@code running}, {@code stopping}. */
        default void onStatus(String state) {
        }

        /** A resource reading. */
        default void onStats(WingsStats stats) {
        }

        /** {@code auth success}: the socket may now do what its credential allows. */
        default void onAuthenticated() {
        }

        /**
         * The rest: {@code daemon message} (lines dropped for this socket, the server deleted), {@code daemon error}
         * (a refused request), {@code jwt error}, {@code token expiring}, {@code token expired}.
         */
        default void onNotice(SocketMessage message) {
        }

        /** The socket ended: the daemon's close code and reason (4001 authentication, 4004 server deleted). */
        default void onClose(int code, String reason) {
        }
    }

    /**
     * A listener that takes {@code console output} as the bytes it arrives in, for a reader that only counts,
     * scans or relays output: the client then neither decodes it to a {@code String} nor parses its JSON, so
     * reading a flood costs a scan of its bytes. Every other message (auth success, status, notices) still
     * reaches {@link #onMessage} parsed. A {@code console output} message is recognised by its first bytes,
     * {@link #OUTPUT_PREFIX} as the daemon writes it; one written otherwise comes parsed too.
     */
    public interface OutputBytes extends Listener {
        /** How the daemon's {@code console output} messages begin (their lines follow as one JSON string). */
        String OUTPUT_PREFIX = "{\"event\":\"" + SocketMessage.CONSOLE_OUTPUT + "\",\"args\":[";

        /**
         * One part of a {@code console output} message, in order: the UTF-8 JSON text of the message
         * ({@code {"event":"console output","args":["line 1\nline 2"]}}, lines separated by the JSON escape
         * {@code \n}), the first part from the message's first byte and holding at least {@link #OUTPUT_PREFIX};
         * {@code last} on its final part (which may be empty). A part is usually one frame as the client read it;
         * a message whose first frame arrived shorter than the prefix (the client hands over what one read brought)
         * comes with the prefix gathered into a first part of its own. The buffer is the client's and valid only
         * during the call: read it, never keep it.
         */
        void onOutputFrame(ByteBuffer json, boolean last);
    }

    /** A {@code stats} event's argument, Wings' resource document. */
    public static WingsStats stats(String argument) {
        return WireJson.read(argument, WingsStats.class);
    }

    /** Authenticates (again) with a server token or the node API key: {@code auth}. */
    public void auth(String credential) {
        send(SocketMessage.of(SocketMessage.AUTH, credential));
    }

    /** Asks for the recent output as one {@code console output}: {@code send logs}. */
    public void requestLogs() {
        send(SocketMessage.of(SocketMessage.SEND_LOGS));
    }

    /** Asks for a reading now: {@code send stats}. */
    public void requestStats() {
        send(SocketMessage.of(SocketMessage.SEND_STATS));
    }

    /** One line to the server's console input: {@code send command}. */
    public void sendCommand(String line) {
        send(SocketMessage.of(SocketMessage.SEND_COMMAND, line));
    }

    /** A power action ({@code start}, {@code stop}, {@code restart}, {@code kill}): {@code set state}. */
    public void setState(String action) {
        send(SocketMessage.of(SocketMessage.SET_STATE, action));
    }

    /** Sends {@code message} (queued by Jetty; a socket that has ended drops it). */
    public void send(SocketMessage message) {
        Session s = session;
        if (s == null || !s.isOpen()) {
            throw new RaptorIoException("the console socket is closed", null);
        }
        s.sendText(message.toJson(), Callback.NOOP);
    }

    /** Waits, at most {@code timeout}, for {@code auth success}; whether it came. */
    public boolean awaitAuthenticated(Duration timeout) throws InterruptedException {
        return authenticated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isOpen() {
        Session s = session;
        return s != null && s.isOpen();
    }

    /** Ends the socket with a normal close; the server is not touched. */
    @Override
    public void close() {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close(NORMAL, "client done", Callback.NOOP);
        }
    }

    /** Drops the connection without a close handshake. */
    public void abort() {
        Session s = session;
        if (s != null) {
            s.disconnect();
        }
    }

    Session.Listener endpoint() {
        return listener instanceof OutputBytes bytes ? new OutputBytesEndpoint(this, bytes) : new JettyEndpoint(this);
    }

    /** A message from the daemon, parsed, to the listener (auth success also to {@link #awaitAuthenticated}). */
    private void received(String text) {
        SocketMessage m;
        try {
            m = SocketMessage.parse(text);
        } catch (IllegalArgumentException e) {
            m = SocketMessage.of(SocketMessage.DAEMON_ERROR, "unreadable message from the daemon: " + e.getMessage());
        }
        if (SocketMessage.AUTH_SUCCESS.equals(m.event())) {
            authenticated.countDown();
        }
        listener.onMessage(m);
    }

    /**
     * Jetty's side of the socket (public because Jetty calls it through public method handles; not for
     * callers): one message at a time, the next demanded once the listener has handled it.
     */
    public static final class JettyEndpoint implements Session.Listener.AutoDemanding {
        private final ConsoleWebSocket socket;

        private JettyEndpoint(ConsoleWebSocket socket) {
            this.socket = socket;
        }

        @Override
        public void onWebSocketOpen(Session s) {
            socket.session = s;
        }

        @Override
        public void onWebSocketText(String text) {
            socket.received(text);
        }

        @Override
        public void onWebSocketClose(int code, String reason) {
            socket.listener.onClose(code, reason);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            // Jetty closes the session after an error and reports the close too
        }
    }
    /**
     * Jetty's side of a socket whose listener takes output as bytes ({@link OutputBytes}; public for the same reason as
     * {@link JettyEndpoint}): Jetty hands over frames, not messages, so a {@code console output} frame's bytes go to the
     * listener straight from the client's read buffer; the frames of any other message are gathered and parsed. Having
     * taken the frames, it answers the daemon's pings itself (Jetty does so only for endpoints that do not).
     */
    public static final class OutputBytesEndpoint implements Session.Listener.AutoDemanding {
        private static final byte[] PREFIX = OutputBytes.OUTPUT_PREFIX.getBytes(StandardCharsets.UTF_8);

        private final ConsoleWebSocket socket;
        private final OutputBytes listener;
        /** Within a text message: whether it is console output (its frames go to the listener). */
        private boolean output;
        /** Within a text message whose first bytes came short of the prefix: those bytes so far, until the prefix is complete. */
        private final byte[] head = new byte[PREFIX.length];
        private int headLength;
        private boolean deciding;
        /** The frames of a text message that is not console output, until its last. */
        private final ByteArrayOutputStream other = new ByteArrayOutputStream();

        private OutputBytesEndpoint(ConsoleWebSocket socket, OutputBytes listener) {
            this.socket = socket;
            this.listener = listener;
        }

        @Override
        public void onWebSocketOpen(Session s) {
            socket.session = s;
        }

        @Override
        public void onWebSocketFrame(Frame frame, Callback callback) {
            try {
                switch (frame.getType()) {
                    case TEXT -> {
                        output = false;
                        deciding = true;
                        headLength = 0;
                        other.reset();
                        data(frame);
                    }
                    case CONTINUATION -> {
                        if (frame.getEffectiveOpCode() == Frame.Type.TEXT.getOpCode()) {
                            data(frame);
                        }
                    }
                    case PING -> {
                        Session s = socket.session;
                        if (s != null && s.isOpen()) {
                            s.sendPong(copy(frame.getPayload()), Callback.NOOP);
                        }
                    }
                    default -> {
                        // binary (never sent), pong, close (Jetty answers it once this frame is done)
                    }
                }
                callback.succeed();
            } catch (RuntimeException e) {
                callback.fail(e);
            }
        }

        /**
         * A text frame's payload. Whether the message is console output is decided on its first bytes (the prefix),
         * which need not come in its first frame: Jetty hands a frame over in parts as the socket's reads bring it
         * (auto-fragmentation), so a message's first part may be a single byte. Such bytes are held until the prefix is
         * complete; in the usual case the first frame holds it and goes to the listener as it is, nothing copied.
         */
        private void data(Frame frame) {
            ByteBuffer payload = frame.getPayload() == null ? ByteBuffer.allocate(0) : frame.getPayload().slice();
            if (deciding) {
                if (headLength == 0 && payload.remaining() >= PREFIX.length) {
                    deciding = false;
                    output = startsWithPrefix(payload);
                } else {
                    int take = Math.min(PREFIX.length - headLength, payload.remaining());
                    payload.get(head, headLength, take);
                    headLength += take;
                    if (headLength < PREFIX.length) {
                        if (frame.isFin()) {
                            other.write(head, 0, headLength); // a message shorter than the prefix
                            received();
                        }
                        return;
                    }
                    deciding = false;
                    output = Arrays.equals(head, PREFIX);
                    if (output) {
                        listener.onOutputFrame(ByteBuffer.wrap(head), false);
                    } else {
                        other.write(head, 0, headLength);
                    }
                }
            }
            if (output) {
                listener.onOutputFrame(payload, frame.isFin());
                return;
            }
            if (payload.hasRemaining()) {
                byte[] b = new byte[payload.remaining()];
                payload.get(b);
                other.writeBytes(b);
            }
            if (frame.isFin()) {
                received();
            }
        }

        /** The message gathered in {@link #other}, parsed, to the listener. */
        private void received() {
            String text = other.toString(StandardCharsets.UTF_8);
            other.reset();
            socket.received(text);
        }

        private static boolean startsWithPrefix(ByteBuffer payload) {
            int at = payload.position();
            for (int i = 0; i < PREFIX.length; i++) {
                if (payload.get(at + i) != PREFIX[i]) {
                    return false;
                }
            }
            return true;
        }

        private static ByteBuffer copy(ByteBuffer b) {
            ByteBuffer c = ByteBuffer.allocate(b == null ? 0 : b.remaining());
            if (b != null) {
                c.put(b.slice()).flip();
            }
            return c;
        }

        @Override
        public void onWebSocketClose(int code, String reason) {
            socket.listener.onClose(code, reason);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            // Jetty closes the session after an error and reports the close too
        }
    }
}
