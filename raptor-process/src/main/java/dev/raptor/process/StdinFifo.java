package dev.raptor.process;

import dev.raptor.core.runtime.Deadline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes console commands into a server's stdin FIFO. The supervisor holds the FIFO open for the
 * whole run, so the server never sees end-of-file between commands and any daemon, now or after a
 * restart, can write the next one: open, write one line, close.
 *
 * <p>Never blocks: the FIFO is opened and written with {@code O_NONBLOCK}. A server that stops reading
 * fills the pipe (64 KiB); the write then waits, in short sleeps, only until the deadline. A line of at
 * most 4 KiB ({@code PIPE_BUF}) goes in whole or not at all, so concurrent writers never interleave
 * within a line; a longer line may be split by another writer's line.
 */
final class StdinFifo {
    private StdinFifo() {
    }

    /** Nobody reads the FIFO (or it does not exist): the run is over. */
    static final class NoReader extends IOException {
        NoReader(String message) {
            super(message);
        }
    }

    /** The pipe stayed full until the deadline: the server does not read its console. */
    static final class Full extends IOException {
        Full(String message) {
            super(message);
        }
    }

    /**
     * Writes {@code line} and a newline.
     *
     * @throws NoReader when no process reads the FIFO
     * @throws Full     when the pipe stayed full until the deadline (the part written stays written)
     */
    static void write(Path fifo, String line, Deadline deadline) throws IOException {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        int fd = LibC.open(fifo, LibC.O_WRONLY | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        if (fd < 0) {
            if (fd == -LibC.ENXIO || fd == -LibC.ENOENT) {
                throw new NoReader("no process reads " + fifo);
            }
            throw new IOException("cannot open " + fifo + " (errno " + -fd + ")");
        }
        try {
            int off = 0;
            while (off < bytes.length) {
                long n = LibC.write(fd, bytes, off, bytes.length - off);
                if (n > 0) {
                    off += (int) n;
                } else if (n == -LibC.EAGAIN) {
                    if (deadline.expired()) {
                        throw new Full("the console input of " + fifo.getParent().getFileName() + " stayed full: the server does not read it"
                                + (off > 0 ? " (" + off + " of " + bytes.length + " bytes written)" : ""));
                    }
                    Pause.millis(5);
                } else if (n == -LibC.EPIPE) {
                    throw new NoReader("no process reads " + fifo);
                } else if (n != -LibC.EINTR) {
                    throw new IOException("cannot write to " + fifo + " (errno " + -n + ")");
                }
            }
        } finally {
            LibC.close(fd);
        }
    }
}
