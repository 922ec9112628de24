package dev.raptor.core.testing;

import dev.raptor.core.exec.ExecListener;
import dev.raptor.core.exec.ExecRequest;
import dev.raptor.core.exec.ExecSession;
import dev.raptor.core.exec.ExecStream;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An interactive exec in a {@link FakeEngine} container: a {@link FakeShell} on a thread of its own (named
 * {@value #THREAD}, for tests that count threads) that reads lines from the session's input, echoing them as a
 * terminal does, until {@code exit}, the end of its input, or {@link #close()}. A command other than a bare
 * {@code sh} runs once and ends.
 */
final class FakeExecSession implements ExecSession {
    static final String THREAD = "fake-exec";
    private static final byte[] EOF = new byte[0];

    private final ExecRequest request;
    private final ExecListener listener;
    private final LinkedBlockingQueue<byte[]> input = new LinkedBlockingQueue<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final double timeScale;
    private volatile int columns = 80;
    private volatile int rows = 24;
    private volatile boolean closed;

    FakeExecSession(ExecRequest request, Map<String, String> environment, ExecListener listener, double timeScale) {
        this.request = request;
        this.listener = listener;
        this.timeScale = timeScale;
        FakeShell shell = new FakeShell(request, environment, this::print, this::sleep,
                request.tty() ? () -> new int[]{columns, rows} : null);
        Thread.ofVirtual().name(THREAD).start(() -> run(shell));
    }

    private void run(FakeShell shell) {
        try {
            if (!FakeShell.readsInput(request)) {
                end(shell.runCommand(), null);
                return;
            }
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (!closed) {
                byte[] chunk = input.take();
                if (chunk == EOF) {
                    end(0, null);
                    return;
                }
                for (byte b : chunk) {
                    if (request.tty()) {
                        print(ExecStream.STDOUT, b == '\r' ? "\r\n" : new String(new byte[]{b}, StandardCharsets.ISO_8859_1));
                    }
                    if (b == '\n' || b == '\r') {
                        FakeShell.Status s = shell.runScript(line.toString(StandardCharsets.UTF_8));
                        line.reset();
                        if (s.exit()) {
                            end(s.code(), null);
                            return;
                        }
                    } else {
                        line.write(b);
                    }
                }
            }
        } catch (InterruptedException e) {
            end(null, null);
        }
    }

    private boolean sleep(Duration d) {
        try {
            // deliberate: the fake shell's own "sleep" command, the pacing of the program it stands in for (scaled)
            Thread.sleep(Duration.ofNanos((long) (d.toNanos() * timeScale)));
            return !closed;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private void print(ExecStream stream, String text) {
        if (!ended.get()) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            listener.output(request.tty() ? ExecStream.STDOUT : stream, b, 0, b.length);
        }
    }

    private void end(Integer code, Throwable error) {
        if (ended.compareAndSet(false, true)) {
            listener.ended(code, error);
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        if (!ended.get() && length > 0) {
            byte[] copy = new byte[length];
            System.arraycopy(bytes, offset, copy, 0, length);
            input.add(copy);
        }
    }

    @Override
    public void closeInput() {
        input.add(EOF);
    }

    @Override
    public void resize(int columns, int rows) {
        if (request.tty()) {
            this.columns = columns;
            this.rows = rows;
        }
    }

    @Override
    public boolean isOpen() {
        return !ended.get();
    }

    @Override
    public void close() {
        closed = true;
        input.add(EOF);
        end(null, null);
    }
}
