package dev.raptor.cli.transport;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * Blocking reads and writes with deadlines over a non-blocking {@link SocketChannel}. A Unix-domain
 * channel has no {@code SO_TIMEOUT} (its {@code socket()} adaptor is unsupported), so every wait goes
 * through a {@link Selector} with a timeout. {@link #close()} from another thread wakes a blocked read,
 * which then reports end of stream: that is how an attached console detaches.
 */
final class SocketChannelIo implements Closeable {
    private final SocketChannel channel;
    private final Selector selector;
    private volatile boolean closed;

    SocketChannelIo(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
    }

    /** Writes all of {@code data}, failing when the peer accepts nothing for {@code timeout}. */
    void writeFully(ByteBuffer data, Duration timeout) throws IOException {
        while (data.hasRemaining()) {
            if (channel.write(data) == 0 && !await(SelectionKey.OP_WRITE, timeout)) {
                throw new SocketTimeoutException("the daemon accepted no request bytes for " + timeout.toSeconds() + "s");
            }
        }
    }

    /** An input stream whose reads wait at most {@code idleTimeout} for data (ZERO: forever). */
    InputStream inputStream(Duration idleTimeout) {
        return new InputStream() {
            private final ByteBuffer one = ByteBuffer.allocate(1);

            @Override
            public int read() throws IOException {
                one.clear();
                int n = read(one);
                return n < 0 ? -1 : one.get(0) & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                return read(ByteBuffer.wrap(b, off, len));
            }

            private int read(ByteBuffer buf) throws IOException {
                while (true) {
                    if (closed) {
                        return -1;
                    }
                    int n;
                    try {
                        n = channel.read(buf);
                    } catch (ClosedChannelException e) {
                        return -1;
                    }
                    if (n != 0) {
                        return n;
                    }
                    if (!await(SelectionKey.OP_READ, idleTimeout)) {
                        throw new SocketTimeoutException("the daemon sent nothing for " + idleTimeout.toSeconds() + "s");
                    }
                }
            }

            @Override
            public void close() throws IOException {
                SocketChannelIo.this.close();
            }
        };
    }

    /** Waits until the channel is ready for {@code op}; false on timeout. A close counts as ready. */
    private boolean await(int op, Duration timeout) throws IOException {
        long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        try {
            SelectionKey key = channel.register(selector, op);
            try {
                while (!closed) {
                    long left = deadline == Long.MAX_VALUE ? 0 : Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                    if (deadline != Long.MAX_VALUE && System.nanoTime() >= deadline) {
                        return false;
                    }
                    if (selector.select(left) > 0) {
                        selector.selectedKeys().clear();
                        return true;
                    }
                }
                return true;
            } finally {
                key.interestOps(0);
            }
        } catch (ClosedChannelException | ClosedSelectorException | java.nio.channels.CancelledKeyException e) {
            if (closed) {
                return true;
            }
            throw new IOException("connection to the daemon closed", e);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            selector.close(); // wakes a thread blocked in select()
        } finally {
            channel.close();
        }
    }
}
