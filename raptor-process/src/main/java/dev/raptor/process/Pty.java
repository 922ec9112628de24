package dev.raptor.process;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A pseudo-terminal for an interactive exec: the master, which the daemon reads and writes, and the path of its
 * terminal ({@code /dev/pts/N}), which the command gets as stdin, stdout, stderr and controlling terminal. The JDK
 * has no API for terminals, so the master is a file descriptor through {@link LibC}. Closing the master hangs the
 * terminal up: its session gets SIGHUP.
 *
 * <p>The descriptor is released by whoever reads it ({@link #release()}, after its last {@link #read}), never under a
 * read in progress, so that a number the kernel hands out again is never read or written by mistake; {@link #close()}
 * only asks for that.
 */
final class Pty implements AutoCloseable {
    private final int master;
    private final Path terminal;
    private final java.util.concurrent.locks.ReentrantLock writing = new java.util.concurrent.locks.ReentrantLock();
    private volatile boolean closed;
    private boolean released;

    private Pty(int master, Path terminal) {
        this.master = master;
        this.terminal = terminal;
    }

    static Pty open() throws IOException {
        int fd = LibC.openPty();
        if (fd < 0) {
            throw new IOException("cannot open a pseudo-terminal (errno " + -fd + ")");
        }
        String name = LibC.ptsName(fd);
        if (name == null) {
            LibC.close(fd);
            throw new IOException("the pseudo-terminal has no name");
        }
        return new Pty(fd, Path.of(name));
    }

    Path terminal() {
        return terminal;
    }

    void resize(int columns, int rows) {
        if (!closed) {
            LibC.setWindowSize(master, Math.max(1, Math.min(columns, 65535)), Math.max(1, Math.min(rows, 65535)));
        }
    }

    /**
     * Reads what the command wrote, waiting at most {@code timeoutMillis}: the count, 0 when nothing came, or -1 once the
     * terminal is hung up (every process holding it has closed it) or the master closed.
     */
    int read(byte[] buffer, int timeoutMillis) {
        if (closed) {
            return -1;
        }
        long n = LibC.pollRead(master, buffer, timeoutMillis);
        return n < 0 ? -1 : (int) n;
    }

    /** Writes all of it (what the operator typed); false when the terminal is gone. */
    boolean write(byte[] bytes, int offset, int length) {
        writing.lock();
        try {
            int done = 0;
            while (done < length && !closed && !released) {
                long n = LibC.write(master, bytes, offset + done, length - done);
                if (n < 0) {
                    if (n == -LibC.EAGAIN || n == -LibC.EINTR) {
                        continue;
                    }
                    return false;
                }
                done += (int) n;
            }
            return done == length;
        } finally {
            writing.unlock();
        }
    }

    /** Asks for the end: reads answer -1 from now on, and the reader releases the master. */
    @Override
    public void close() {
        closed = true;
    }

    /** Closes the master; called once its reader has stopped reading (or when there never was one). */
    void release() {
        closed = true;
        writing.lock();
        try {
            if (!released) {
                released = true;
                LibC.close(master);
            }
        } finally {
            writing.unlock();
        }
    }
}
