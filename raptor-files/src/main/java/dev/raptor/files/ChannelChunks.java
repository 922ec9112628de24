package dev.raptor.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/** {@link BodyChunks} over a channel: one pooled transfer buffer filled per {@code next()}. */
final class ChannelChunks implements BodyChunks {
    private final ReadableByteChannel channel;
    private final Progress progress;
    private final String path;
    private ByteBuffer buf;
    private boolean ended;

    /** @param progress told of every read's bytes, and asked before each read whether to go on ({@code path}'s) */
    ChannelChunks(ReadableByteChannel channel, Progress progress, String path) {
        this.channel = channel;
        this.progress = progress;
        this.path = path;
    }

    @Override
    public ByteBuffer next() throws IOException {
        if (ended) {
            return null;
        }
        if (buf == null) {
            buf = TransferBuffers.acquire();
        }
        buf.clear();
        while (buf.hasRemaining()) {
            // checked per read, not per buffer: a slow body (a pull from a slow server) shows progress and can be
            // cancelled long before a buffer is full
            progress.check(path);
            int n = channel.read(buf);
            if (n < 0) {
                ended = true;
                break;
            }
            progress.addBytes(n);
        }
        buf.flip();
        return buf.hasRemaining() ? buf : null;
    }

    @Override
    public void close() {
        ByteBuffer b = buf;
        buf = null;
        TransferBuffers.release(b); // lent to this thread's file writes only, all returned
    }
}
