package dev.raptor.files.jail;

/**
 * An open file descriptor. Descriptors the jail hands around are mostly {@code O_PATH} ones: they pin an inode
 * (a directory on the way, a leaf about to be reopened) without opening it for I/O. A borrowed descriptor
 * (the session's root) is not closed by {@link #close()}.
 */
public final class Fd implements AutoCloseable {
    private final int fd;
    private final boolean owned;
    private boolean closed;

    Fd(int fd, boolean owned) {
        this.fd = fd;
        this.owned = owned;
    }

    public int fd() {
        if (closed) {
            throw new IllegalStateException("file descriptor " + fd + " is closed");
        }
        return fd;
    }

    /** {@code /proc/self/fd/N}: opening it reopens this very inode (the magic link is ours, never a user's). */
    public String procPath() {
        return "/proc/self/fd/" + fd();
    }

    boolean owned() {
        return owned;
    }

    @Override
    public void close() {
        if (owned && !closed) {
            closed = true;
            LinuxCalls.close(fd);
        }
    }

    @Override
    public String toString() {
        return "fd " + fd;
    }
}
