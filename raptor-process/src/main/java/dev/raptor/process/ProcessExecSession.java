package dev.raptor.process;

import dev.raptor.core.exec.ExecListener;
import dev.raptor.core.exec.ExecSession;
import dev.raptor.core.exec.ExecStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An interactive exec on the process runtime: the command started by {@link ServerCommand}, on a {@link Pty} when the
 * request wants a terminal (its output is then one stream), on pipes otherwise. A reader thread passes the output on and,
 * once the command has exited and its output is drained, tells the listener its exit code. {@link #close()} hangs the
 * session up: SIGHUP to its process group, SIGKILL if it is still there a few seconds later.
 */
final class ProcessExecSession implements ExecSession {
    private static final Logger log = LoggerFactory.getLogger(ProcessExecSession.class);
    private static final int SIGHUP = 1;
    private static final Duration HANGUP_GRACE = Duration.ofSeconds(3);

    private final Process process;
    private final Pty pty;
    private final OutputStream stdin;
    private final ExecListener listener;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean closed;

    private ProcessExecSession(Process process, Pty pty, ExecListener listener) {
        this.process = process;
        this.pty = pty;
        this.stdin = pty == null ? process.getOutputStream() : null;
        this.listener = listener;
    }

    /** Starts {@code pb} on a new terminal of {@code columns} x {@code rows}, owned by {@code uid} (-1: left as it is). */
    static ProcessExecSession onTerminal(ProcessBuilder pb, ExecListener listener, int uid, int gid) throws IOException {
        Pty pty = Pty.open();
        try {
            if (uid >= 0) {
                java.nio.file.Files.setAttribute(pty.terminal(), "unix:uid", uid);
                java.nio.file.Files.setAttribute(pty.terminal(), "unix:gid", gid);
            }
            pty.resize(80, 24);
            Process p = ServerCommand.onTerminal(pb, pty.terminal()).start();
            ProcessExecSession s = new ProcessExecSession(p, pty, listener);
            // a platform thread: it waits in poll(2), a native call that would pin a virtual thread's carrier
            Thread.ofPlatform().daemon().name("raptor-exec-pty-" + p.pid()).start(s::pumpTerminal);
            return s;
        } catch (IOException | RuntimeException e) {
            pty.release();
            throw e;
        }
    }

    /** Starts {@code pb} on pipes: stdout and stderr stay apart. */
    static ProcessExecSession onPipes(ProcessBuilder pb, ExecListener listener) throws IOException {
        Process p = pb.start();
        ProcessExecSession s = new ProcessExecSession(p, null, listener);
        Thread.ofVirtual().name("raptor-exec-" + p.pid()).start(s::pumpPipes);
        return s;
    }

    private void pumpTerminal() {
        byte[] buffer = new byte[8192];
        try {
            long exitedAt = 0;
            while (true) {
                int n = pty.read(buffer, 100);
                if (n > 0) {
                    listener.output(ExecStream.STDOUT, buffer, 0, n);
                    continue;
                }
                if (n < 0) {
                    break; // hung up: every process holding the terminal has closed it, or we were closed
                }
                if (!process.isAlive()) {
                    // what it started in the background may hold the terminal; its output so far is drained
                    exitedAt = exitedAt == 0 ? System.nanoTime() : exitedAt;
                    if (System.nanoTime() - exitedAt > Duration.ofMillis(300).toNanos()) {
                        break;
                    }
                }
            }
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("pid", process.pid()).addKeyValue("error", e.toString()).log("reading an exec's terminal failed");
        } finally {
            pty.release();
            finish();
        }
    }

    private void pumpPipes() {
        Thread err = Thread.ofVirtual().name("raptor-exec-err-" + process.pid()).start(() -> copy(process.getErrorStream(), ExecStream.STDERR));
        copy(process.getInputStream(), ExecStream.STDOUT);
        try {
            err.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finish();
    }

    private void copy(InputStream in, ExecStream stream) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                listener.output(stream, buffer, 0, n);
            }
        } catch (IOException e) {
            // the command ended or the session was closed
        }
    }

    /** The output is over: the exit code, once the command has gone (it has, or is about to). */
    private void finish() {
        Integer code = null;
        try {
            if (process.waitFor(closed ? HANGUP_GRACE.toMillis() : 10_000, TimeUnit.MILLISECONDS)) {
                code = process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ended.compareAndSet(false, true)) {
            listener.ended(closed ? null : code, null);
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        if (ended.get() || length <= 0) {
            return;
        }
        if (pty != null) {
            pty.write(bytes, offset, length);
            return;
        }
        try {
            stdin.write(bytes, offset, length);
            stdin.flush();
        } catch (IOException e) {
            // the command closed its input or ended: the session ends on its own
        }
    }

    @Override
    public void closeInput() {
        if (pty != null) {
            byte[] eof = {4}; // ^D: end of input, as the terminal's line discipline understands it
            pty.write(eof, 0, 1);
            return;
        }
        try {
            stdin.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void resize(int columns, int rows) {
        if (pty != null) {
            pty.resize(columns, rows);
        }
    }

    @Override
    public boolean isOpen() {
        return !ended.get();
    }

    @Override
    public void close() {
        if (closed || ended.get()) {
            return;
        }
        closed = true;
        LibC.kill(-process.pid(), SIGHUP);
        if (pty != null) {
            pty.close();
        } else {
            closeInput();
        }
        process.onExit().orTimeout(HANGUP_GRACE.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(timeout -> {
                    CommandRun.killGroup(process);
                    return process;
                });
    }
}
