package dev.raptor.wire.client;

import dev.raptor.wire.exec.ExecRequestDocument;
import dev.raptor.wire.exec.ExecSocketMessage;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.problem.Problem;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An interactive command inside a running server ({@code GET /servers/{id}/exec/ws}, see {@link ExecSocketMessage}):
 * made by {@link ServerClient#execInteractive}, which sends the start message and waits until the command runs. Input
 * goes out with {@link #write} (cut into the daemon's 1 KiB messages), the terminal's size with {@link #resize}; the
 * command's output and its end go to the {@link Listener}, in order, on the client's threads. Closing the socket ends
 * the command's session (it sees a hangup).
 */
public final class ExecWebSocket implements AutoCloseable {
    /** The largest input message the daemon takes. */
    static final int MAX_INPUT = 1024;

    private final Listener listener;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final CompletableFuture<Integer> exited = new CompletableFuture<>();
    private volatile Session session;

    ExecWebSocket(Listener listener) {
        this.listener = listener;
    }

    /** What the daemon says: output by stream, then the exit code, or a problem. */
    public interface Listener {
        /** Output of the command: {@code stream} is {@link ExecSocketMessage#STDOUT} or {@link ExecSocketMessage#STDERR}. */
        void onOutput(byte stream, ByteBuffer bytes);

        /** The command ended with {@code exitCode}; the socket closes next. */
        default void onExit(int exitCode) {
        }

        /** The daemon refused or lost the session; the socket closes next. */
        default void onError(Problem problem) {
        }

        /** The socket ended. */
        default void onClose(int code, String reason) {
        }
    }

    /** Sends the start message and waits, at most {@code timeout}, for {@code started}. */
    void start(ExecRequestDocument request, Integer columns, Integer rows, Duration timeout) {
        text(ExecSocketMessage.start(request, columns, rows, null).toJson());
        try {
            started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            close();
            throw e.getCause() instanceof RaptorException r ? r : new RaptorIoException("the exec did not start: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            close();
            throw new RaptorIoException("the daemon did not start the exec within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new RaptorIoException("interrupted while starting the exec", e);
        }
    }

    /** Input for the command, as it is (raw terminal bytes: Ctrl-C is 0x03). Waits until the daemon has taken it. */
    public void write(byte[] data, int offset, int length) {
        for (int at = offset; at < offset + length; at += MAX_INPUT) {
            int n = Math.min(MAX_INPUT, offset + length - at);
            Callback.Completable sent = new Callback.Completable();
            open().sendBinary(ByteBuffer.wrap(data, at, n), sent);
            try {
                sent.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new RaptorIoException("the exec socket did not take input: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RaptorIoException("interrupted while sending input", e);
            }
        }
    }

    /** The terminal is now {@code columns} x {@code rows}. */
    public void resize(int columns, int rows) {
        text(ExecSocketMessage.resize(columns, rows).toJson());
    }

    /** The input is over (the command reads end of file). */
    public void endInput() {
        text(ExecSocketMessage.eof().toJson());
    }

    /** Waits, at most {@code timeout}, for the command's exit code; null when it has not ended (or the socket ended without one). */
    public Integer awaitExit(Duration timeout) throws InterruptedException {
        try {
            return exited.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    /** Completes with the exit code, or null when the socket ended without one. */
    public CompletableFuture<Integer> exit() {
        return exited;
    }

    public boolean isOpen() {
        Session s = session;
        return s != null && s.isOpen();
    }

    @Override
    public void close() {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close(ConsoleWebSocket.NORMAL, "client done", Callback.NOOP);
        }
    }

    private void text(String json) {
        open().sendText(json, Callback.NOOP);
    }

    private Session open() {
        Session s = session;
        if (s == null || !s.isOpen()) {
            throw new RaptorIoException("the exec socket is closed", null);
        }
        return s;
    }

    Session.Listener endpoint() {
        return new JettyEndpoint(this);
    }

    /** Jetty's side of the socket (public because Jetty calls it through method handles; not for callers). */
    public static final class JettyEndpoint implements Session.Listener.AutoDemanding {
        private final ExecWebSocket socket;

        private JettyEndpoint(ExecWebSocket socket) {
            this.socket = socket;
        }

        @Override
        public void onWebSocketOpen(Session s) {
            socket.session = s;
        }

        @Override
        public void onWebSocketText(String text) {
            ExecSocketMessage m;
            try {
                m = WireJson.read(text, ExecSocketMessage.class);
            } catch (RuntimeException e) {
                return; // not ours to understand; the protocol's end comes as exit, error or close
            }
            switch (m.type() == null ? "" : m.type()) {
                case ExecSocketMessage.STARTED -> socket.started.complete(null);
                case ExecSocketMessage.EXIT -> {
                    socket.listener.onExit(m.exitCode() == null ? -1 : m.exitCode());
                    socket.exited.complete(m.exitCode());
                }
                case ExecSocketMessage.ERROR -> {
                    Problem p = m.problem();
                    socket.started.completeExceptionally(new RaptorProblemException(p));
                    socket.listener.onError(p);
                }
                default -> {
                }
            }
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            if (payload.remaining() > 0) {
                byte stream = payload.get();
                socket.listener.onOutput(stream, payload);
            }
            callback.succeed();
        }

        @Override
        public void onWebSocketClose(int code, String reason) {
            socket.started.completeExceptionally(new RaptorIoException("the exec socket closed (" + code + " " + reason + ")", null));
            socket.exited.complete(null);
            socket.listener.onClose(code, reason);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            // Jetty closes the session after an error and reports the close too
        }
    }
}
