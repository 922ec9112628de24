package dev.raptor.api.http;

import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;

/**
 * The buffers Jetty's connectors read requests into, and how much they read at once.
 *
 * <p>Jetty reads a connection 8 KiB at a time by default, and its default pool keeps buffers of at most 64 KiB
 * (a larger one is allocated for each read and left to the collector). An upload is written to its file straight
 * from these buffers ({@link RequestChunks}), so their size is the size of each {@code write(2)} and of each step
 * of the multipart parser: at 64 KiB a 1 GiB upload was 16,384 of each. At {@value #INPUT_BYTES} it is a quarter
 * of that; not more, because larger buffered writes of new data are slow on the bench machine's kernel (see
 * {@code TransferBuffers}). A buffer is taken from the pool for a read and given back once its bytes are
 * consumed, so an idle connection holds none; every connector of the API shares one pool of buffers up to
 * {@value #INPUT_BYTES} (sizes in powers of two).
 */
public final class ConnectionBuffers {
    /** What Jetty reads from a connection at once. */
    public static final int INPUT_BYTES = 256 * 1024;

    private ConnectionBuffers() {
    }

    /** A pool keeping buffers of up to {@value #INPUT_BYTES} bytes, its memory bounded by Jetty's heuristic. */
    public static ByteBufferPool pool() {
        return new ArrayByteBufferPool.Quadratic(0, INPUT_BYTES, Integer.MAX_VALUE);
    }
}
