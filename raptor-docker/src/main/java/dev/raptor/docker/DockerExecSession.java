package dev.raptor.docker;

import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.raptor.core.exec.ExecListener;
import dev.raptor.core.exec.ExecSession;
import dev.raptor.core.exec.ExecStream;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An interactive exec on the engine: {@code POST /exec/{id}/start} upgraded to a raw stream on a
 * {@link HijackedConnection}, which pumps the session's input ({@link ExecInput}) in and half-closes when it ends,
 * while the output frames come back through an {@link EngineStream} (counted with the runtime's other streams, and
 * closed with them). When the stream ends the exit code is read with {@code GET /exec/{id}/json}. The terminal is
 * resized with {@code POST /exec/{id}/resize}. Closing the session closes the connection; the engine then closes
 * the command's input (a shell in a terminal ends on it, like on a hangup).
 */
final class DockerExecSession implements ExecSession {
    private static final Logger log = LoggerFactory.getLogger(DockerExecSession.class);

    private final UUID serverId;
    private final String execId;
    private final boolean tty;
    private final EngineCalls calls;
    private final EngineConnection connection;
    private final ExecListener listener;
    private final ExecInput input = new ExecInput();
    private final AtomicBoolean ended = new AtomicBoolean();
    private EngineStream<Frame> stream;

    private DockerExecSession(UUID serverId, String execId, boolean tty, EngineCalls calls, EngineConnection connection,
                              ExecListener listener) {
        this.serverId = serverId;
        this.execId = execId;
        this.tty = tty;
        this.calls = calls;
        this.connection = connection;
        this.listener = listener;
    }

    static DockerExecSession start(UUID serverId, String execId, boolean tty, EngineCalls calls, EngineConnection connection,
                                   OpenStreams streams, java.util.concurrent.ScheduledExecutorService timer, Duration openTimeout,
                                   ExecListener listener) {
        DockerExecSession s = new DockerExecSession(serverId, execId, tty, calls, connection, listener);
        s.stream = new EngineStream<>(serverId, "execInteractive", streams, new EngineStream.Handler<>() {
            @Override
            public void item(Frame frame) {
                byte[] b = frame.getPayload();
                if (b != null && b.length > 0) {
                    listener.output(frame.getStreamType() == StreamType.STDERR ? ExecStream.STDERR : ExecStream.STDOUT, b, 0, b.length);
                }
            }

            @Override
            public void end(EngineException error, boolean closed) {
                s.finish(error, closed);
            }
        });
        s.stream.open(connection, timer, openTimeout,
                clients -> clients.streams().execStartCmd(execId).withTty(tty).withStdIn(s.input).exec(s.stream));
        return s;
    }

    private void finish(EngineException error, boolean closed) {
        input.close();
        Integer code = null;
        if (!closed) {
            try {
                Optional<Integer> exit = calls.run("execInspect", serverId, Deadline.in(Duration.ofSeconds(10)),
                        () -> ExecCommands.exitCode(connection.clients().calls(), execId));
                code = exit.orElse(null);
            } catch (EngineException e) {
                error = error == null ? e : error;
            }
        }
        if (ended.compareAndSet(false, true)) {
            listener.ended(code, code == null ? error : null);
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        input.offer(bytes, offset, length);
    }

    @Override
    public void closeInput() {
        input.close();
    }

    @Override
    public void resize(int columns, int rows) {
        if (!tty || ended.get()) {
            return;
        }
        try {
            calls.perform("execResize", serverId, Deadline.in(Duration.ofSeconds(10)), () -> {
                connection.clients().calls().resizeExecCmd(execId).withSize(Math.max(1, rows), Math.max(1, columns)).exec();
                return null;
            });
        } catch (EngineException e) {
            // it has ended meanwhile, or the engine refused a size: the terminal keeps its size
            log.atDebug().addKeyValue("exec", execId).addKeyValue("error", e.getMessage()).log("exec resize refused");
        }
    }

    @Override
    public boolean isOpen() {
        return !ended.get();
    }

    @Override
    public void close() {
        input.close();
        stream.close();
    }
}
