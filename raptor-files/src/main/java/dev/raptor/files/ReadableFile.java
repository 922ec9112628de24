package dev.raptor.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A regular file opened for reading through the jail (the inode that was checked, whatever its name points to
 * now). Close it. The channel supports positioned reads, so HTTP ranges and SFTP offsets cost nothing.
 */
public final class ReadableFile implements AutoCloseable {
    private final String path;
    private final FileEntry entry;
    private final FileChannel channel;

    ReadableFile(String path, FileEntry entry, FileChannel channel) {
        this.path = path;
        this.entry = entry;
        this.channel = channel;
    }

    /** The path as asked. */
    public String path() {
        return path;
    }

    /** What the file was when it was opened (size, mode, times, MIME type). */
    public FileEntry entry() {
        return entry;
    }

    public long size() throws IOException {
        return channel.size();
    }

    public FileChannel channel() {
        return channel;
    }

    /** A stream of {@code length} bytes from {@code offset} (fewer if the file is shorter); leaves the channel's position alone. */
    public InputStream stream(long offset, long length) {
        return new InputStream() {
            private long pos = offset;
            private final long end = length < 0 ? Long.MAX_VALUE : offset + length;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n <= 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= end) {
                    return -1;
                }
                int want = (int) Math.min(len, end - pos);
                int n = channel.read(ByteBuffer.wrap(b, off, want), pos);
                if (n > 0) {
                    pos += n;
                }
                return n;
            }
        };
    }

    /** The whole file as a stream. */
    public InputStream stream() {
        return stream(0, -1);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
