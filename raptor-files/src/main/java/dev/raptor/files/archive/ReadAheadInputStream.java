package dev.raptor.files.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a stream ahead on a thread of its own, so that producing its bytes (reading the archive, checksumming it,
 * decompressing it) runs beside consuming them (parsing entries, writing files): an extraction uses two cores
 * instead of one. zstd and gzip decompress on one thread only; this is how their work still overlaps the writes.
 *
 * <p>Memory is flat: at most {@code depth + 2} chunks exist, recycled between the two threads. The source is only
 * ever touched by the reading thread, and is closed by {@link #close()} only once that thread has ended (a
 * decompressor's native state must never be freed under a read). A failure of the source is thrown by the next
 * {@link #read} that reaches it, as the source threw it.
 */
final class ReadAheadInputStream extends InputStream {
    private static final Chunk END = new Chunk(new byte[0]);

    private static final class Chunk {
        final byte[] bytes;
        int length;
        Throwable failure;

        Chunk(byte[] bytes) {
            this.bytes = bytes;
        }
    }

    private final InputStream source;
    private final BlockingQueue<Chunk> filled;
    private final BlockingQueue<Chunk> free;
    final Thread reader; // package-private for tests
    private Chunk current;
    private int position;
    private boolean ended;
    private Throwable failure;
    private boolean closed;

    ReadAheadInputStream(InputStream source, int chunkBytes, int depth) {
        this.source = source;
        this.filled = new ArrayBlockingQueue<>(depth + 2); // every chunk, and the end or a failure
        this.free = new ArrayBlockingQueue<>(depth + 2);
        for (int i = 0; i < depth + 1; i++) {
            free.add(new Chunk(new byte[chunkBytes]));
        }
        // A platform thread: decompression is CPU work in native code, which would pin a virtual thread's carrier.
        this.reader = Thread.ofPlatform().daemon().name("archive-read-ahead").unstarted(this::readAhead);
        reader.start();
    }

    private void readAhead() {
        Chunk c = null;
        try {
            while (true) {
                c = free.take();
                c.length = 0;
                int n = 0;
                while (c.length < c.bytes.length && (n = source.read(c.bytes, c.length, c.bytes.length - c.length)) >= 0) {
                    c.length += n;
                }
                Chunk read = c;
                c = null;
                if (read.length > 0) {
                    filled.put(read);
                } else {
                    free.add(read);
                }
                if (n < 0) {
                    filled.put(END);
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed
        } catch (Throwable t) {
            if (c != null && c.length > 0) {
                filled.offer(c); // what was read before the failure still counts
            }
            Chunk failed = new Chunk(new byte[0]);
            failed.failure = t;
            filled.offer(failed); // never full: it has room for every chunk and one more
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("stream closed");
        }
        if (len == 0) {
            return 0;
        }
        if (!next()) {
            return -1;
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current.bytes, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = 0;
        while (skipped < n && next()) {
            int k = (int) Math.min(n - skipped, current.length - position);
            position += k;
            skipped += k;
        }
        return skipped;
    }

    @Override
    public int available() {
        return current == null ? 0 : current.length - position;
    }

    /** Makes {@link #current} a chunk with bytes left; false at the end of the source. */
    private boolean next() throws IOException {
        if (current != null && position < current.length) {
            return true;
        }
        if (failure != null) {
            throw rethrown(failure);
        }
        if (ended) {
            return false;
        }
        if (current != null) {
            free.add(current);
            current = null;
        }
        Chunk c;
        try {
            c = filled.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading an archive");
        }
        if (c == END) {
            ended = true;
            return false;
        }
        if (c.failure != null) {
            failure = c.failure; // every later read fails too, never a quiet end
            throw rethrown(failure);
        }
        current = c;
        position = 0;
        return true;
    }

    private static IOException rethrown(Throwable t) {
        switch (t) {
            case IOException io -> {
                return io;
            }
            case RuntimeException re -> throw re;
            case Error err -> throw err;
            default -> {
                return new IOException(t);
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        reader.interrupt();
        boolean interrupted = false;
        while (true) {
            try {
                reader.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        source.close();
    }
}
