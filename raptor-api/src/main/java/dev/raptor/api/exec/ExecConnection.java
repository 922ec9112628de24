package dev.raptor.api.exec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.auth.Principal;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.core.exec.ExecListener;
import dev.raptor.core.exec.ExecRequest;
import dev.raptor.core.exec.ExecSession;
import dev.raptor.core.exec.ExecStream;
import dev.raptor.core.validation.Problems;
import dev.raptor.wire.exec.ExecRequestDocument;
import dev.raptor.wire.exec.ExecSocketMessage;
import dev.raptor.wire.json.JsonObjectReader;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.problem.Problem;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One interactive exec socket: it waits for the {@code start} message (at most {@link #START_TIMEOUT}), starts the
 * command through {@link dev.raptor.core.exec.ServerExec} (which writes its activity entry), and then passes input in
 * and output out until the command ends ({@code exit}, then the socket closes) or the client goes (the session is
 * closed: the command sees a hangup). Client messages are handled in order by one control thread, never on Jetty's;
 * output is written from the runtime's reader thread, each message waited for at most {@link #WRITE_TIMEOUT}, so a
 * client that stops reading stops the command's output, and one that stays stuck is disconnected.
 */
final class ExecConnection {
    private static final Logger log = LoggerFactory.getLogger(ExecConnection.class);
    static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
    private static final int INBOX = 1024;
    private static final int CLOSE_PROBLEM = 4000;

    private final ExecSockets endpoint;
    private final UUID serverId;
    private final Session socket;
    private final Principal upgradePrincipal;
    private final String client;
    private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>(INBOX);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread control;
    private volatile ExecSession session;

    ExecConnection(ExecSockets endpoint, UUID serverId, Session socket, Principal upgradePrincipal, String client) {
        this.endpoint = endpoint;
        this.serverId = serverId;
        this.socket = socket;
        this.upgradePrincipal = upgradePrincipal;
        this.client = client;
        this.control = Thread.ofVirtual().name("exec-socket-" + serverId).unstarted(this::run);
    }

    void start() {
        control.start();
    }

    // ------------------------------------------------------------------ from Jetty: queued, never handled here

    void text(String message) {
        enqueue(() -> handle(message));
    }

    void input(byte[] data, int offset, int length) {
        byte[] copy = new byte[length];
        System.arraycopy(data, offset, copy, 0, length);
        enqueue(() -> {
            ExecSession s = session;
            if (s == null) {
                fail(Problem.of(400, "exec-not-started", "Not started", "send the start message before any input"));
            } else {
                s.write(copy, 0, copy.length);
            }
        });
    }

    private void enqueue(Runnable r) {
        if (!closed.get() && !inbox.offer(r)) {
            fail(Problem.of(429, "exec-input-overflow", "Too much input at once",
                    "more than " + INBOX + " messages are waiting for the command; the session ends"));
        }
    }

    // ------------------------------------------------------------------ the control thread

    private void run() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (!closed.get()) {
                long wait = session == null ? deadline - System.nanoTime() : Long.MAX_VALUE;
                if (wait <= 0) {
                    fail(Problem.of(408, "exec-start-timeout", "No start message",
                            "no start message within " + START_TIMEOUT.toSeconds() + " s"));
                    return;
                }
                Runnable next = inbox.poll(Math.min(wait, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
                if (next != null) {
                    next.run();
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    private void handle(String text) {
        JsonNode node;
        try {
            node = WireJson.parse(text);
        } catch (RuntimeException e) {
            fail(Problem.of(400, "malformed-json", "Malformed JSON", "an exec socket text message is a JSON object"));
            return;
        }
        String type = node != null && node.path("type").isTextual() ? node.get("type").asText() : null;
        switch (type) {
            case ExecSocketMessage.START -> begin(node);
            case ExecSocketMessage.RESIZE -> {
                ExecSession s = session;
                if (s != null && node.path("columns").canConvertToInt() && node.path("rows").canConvertToInt()) {
                    s.resize(node.get("columns").asInt(), node.get("rows").asInt());
                }
            }
            case ExecSocketMessage.EOF -> {
                ExecSession s = session;
                if (s != null) {
                    s.closeInput();
                }
            }
            case null, default -> fail(Problem.of(400, "exec-message", "Unknown message",
                    "a text message has a type: start, resize or eof (was " + (type == null ? "none" : "'" + type + "'") + ")"));
        }
    }

    private void begin(JsonNode node) {
        if (session != null) {
            fail(Problem.of(400, "exec-message", "Started already", "a socket runs one command; the start message comes once"));
            return;
        }
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.of(node, "", problems);
        String token = r.text("token");
        Integer columns = r.integer("columns");
        Integer rows = r.integer("rows");
        r.text("type");
        // the request members, read by the same reader as POST …/exec's body; a socket wants a terminal unless told not to
        com.fasterxml.jackson.databind.node.ObjectNode request = ((com.fasterxml.jackson.databind.node.ObjectNode) node).deepCopy();
        request.remove(java.util.List.of("type", "token", "columns", "rows"));
        if (!request.has("tty")) {
            request.put("tty", true);
        }
        ExecRequest exec = ExecRequestDocument.read(JsonObjectReader.of(request, "", problems));
        if (!problems.isEmpty()) {
            fail(endpoint.problems().map(new dev.raptor.core.validation.InvalidSpecException(problems.list())));
            return;
        }
        try {
            Principal who = upgradePrincipal != null ? upgradePrincipal : endpoint.principal(token, serverId, client);
            ExecSession s = endpoint.exec().open(serverId, exec, who.who(), new Output());
            session = s;
            if (exec.tty() && columns != null && rows != null) {
                s.resize(columns, rows);
            }
            send(ExecSocketMessage.started().toJson());
            if (closed.get()) {
                s.close();
            }
        } catch (ProblemException e) {
            fail(e.problem());
        } catch (RuntimeException e) {
            fail(endpoint.problems().map(e));
        }
    }

    // ------------------------------------------------------------------ output

    /** The command's output and end, from the runtime's reader thread. */
    private final class Output implements ExecListener {
        @Override
        public void output(ExecStream stream, byte[] bytes, int offset, int length) {
            ByteBuffer frame = ByteBuffer.allocate(length + 1);
            frame.put(stream == ExecStream.STDERR ? ExecSocketMessage.STDERR : ExecSocketMessage.STDOUT).put(bytes, offset, length).flip();
            write(frame);
        }

        @Override
        public void ended(Integer exitCode, Throwable error) {
            if (exitCode != null) {
                send(ExecSocketMessage.exit(exitCode).toJson());
                close(1000, "exited");
            } else if (error != null) {
                fail(Problem.of(502, "exec-ended", "The session ended", "the session ended without an exit code: " + error.getMessage()));
            } else {
                close(1000, "ended");
            }
        }
    }

    private void send(String text) {
        if (closed.get()) {
            return;
        }
        Callback.Completable done = new Callback.Completable();
        socket.sendText(text, done);
        await(done);
    }

    private void write(ByteBuffer frame) {
        if (closed.get()) {
            return;
        }
        Callback.Completable done = new Callback.Completable();
        socket.sendBinary(frame, done);
        await(done);
    }

    private void await(Callback.Completable done) {
        try {
            done.get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.atInfo().addKeyValue("server", serverId).log("an exec socket took nothing for a while; disconnecting it");
            close(1008, "too slow");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            close(1011, null);
        }
    }

    private void fail(Problem problem) {
        send(ExecSocketMessage.error(problem).toJson());
        close(CLOSE_PROBLEM + Math.min(999, Math.max(0, problem.status() - 400)), problem.title());
    }

    // ------------------------------------------------------------------ ending

    void close(int code, String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ExecSession s = session;
        if (s != null) {
            s.close();
        }
        control.interrupt();
        try {
            socket.close(code, reason, Callback.NOOP);
        } catch (RuntimeException e) {
            log.atDebug().addKeyValue("server", serverId).addKeyValue("error", e.toString()).log("closing an exec socket failed");
        }
        endpoint.forget(this);
    }

    void awaitEnd(Duration timeout) {
        try {
            control.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
