package dev.raptor.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * A body handed over in the buffers it already sits in, for a writer that only passes the bytes on (an upload into a
 * file). Where a {@link ReadableByteChannel} makes the reader bring a buffer and the source copy into it, here the
 * source lends its own: an HTTP server's connection buffer goes to the file's {@code write(2)} as it is, one copy of
 * every byte fewer.
 *
 * <p>Each buffer returned by {@link #next()} is the caller's to read until the next call to {@code next()} or
 * {@link #close()}; after that the source may reuse it. A blocking source: {@code next()} waits for bytes.
 */
public interface BodyChunks extends AutoCloseable {
    /** The next bytes (at least one), or null at the end of the body. */
    ByteBuffer next() throws IOException;

    /** Gives back the last buffer lent; the body is not read further. */
    @Override
    void close() throws IOException;

    /**
     * A channel's bytes, a {@linkplain TransferBuffers transfer buffer} at a time: each {@code next()} fills the
     * buffer (until it is full or the channel ends) and lends it. A read answering 0 is simply asked again.
     */
    static BodyChunks of(ReadableByteChannel channel) {
        return new ChannelChunks(channel, Progress.none(), null);
    }
}
