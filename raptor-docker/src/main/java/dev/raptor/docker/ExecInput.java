package dev.raptor.docker;

import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The stdin of an interactive exec as the stream {@link HijackedConnection} pumps into the engine: what the session
 * writes, in order; its end ({@link #close()}) becomes the half-close that tells the engine the input is over.
 */
final class ExecInput extends InputStream {
    private static final byte[] END = new byte[0];

    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private byte[] current;
    private int position;
    private volatile boolean ended;

    void offer(byte[] bytes, int offset, int length) {
        if (!ended && length > 0) {
            byte[] copy = new byte[length];
            System.arraycopy(bytes, offset, copy, 0, length);
            chunks.add(copy);
        }
    }

    @Override
    public int read() throws java.io.IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws java.io.IOException {
        if (len == 0) {
            return 0;
        }
        if (current == null || position >= current.length) {
            try {
                current = chunks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("the session was closed");
            }
            position = 0;
            if (current == END) {
                chunks.add(END); // every later read sees the end too
                return -1;
            }
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }

    /** The input is over: the reader gets end-of-stream after what was written before. */
    @Override
    public void close() {
        if (!ended) {
            ended = true;
            chunks.add(END);
        }
    }
}
