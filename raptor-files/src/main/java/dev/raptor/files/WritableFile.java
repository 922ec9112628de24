package dev.raptor.files;

import dev.raptor.files.jail.Fd;
import dev.raptor.files.jail.Jail;
import dev.raptor.files.jail.LinuxCalls;
import dev.raptor.files.jail.Session;
import dev.raptor.files.usage.Reservation;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;

/**
 * A file being written through the jail, as a channel with positions (what SFTP needs) that charges the
 * server's quota as the file grows and refuses a write that would pass it ({@link QuotaExceededException},
 * nothing of that write lands). {@link #commit()} finishes it; {@link #close()} without a commit abandons a
 * {@link WriteMode#REPLACE} write (its temporary file is removed) and keeps what an in-place write wrote.
 * Not thread-safe; may move between threads.
 */
public final class WritableFile implements SeekableByteChannel {
    /** A replacing write asks the disk to start on what it wrote every this many bytes (see {@link #write(ByteBuffer)}). */
    static final long WRITEBACK_BYTES = 8L << 20;

    private final Jail jail;
    private final String path;
    private final WriteMode mode;
    private final Fd parent;
    private final byte[] leaf;
    private final byte[] temp;
    private final FileChannel channel;
    private final Reservation reservation;
    private final long credit;
    private final long before;
    private final boolean created;
    /** The temporary file's read-write descriptor (a replacing write only, else null): the writeback head start. */
    private final Fd writeback;
    /** Where the next writeback head start begins. */
    private long writebackFrom;
    private long size;
    private boolean finished;

    /**
     * @param credit bytes the write may use without growing the server's usage (the size of the file it replaces)
     * @param before the size the server's usage already counts for this file (0 for a new one)
     */
    WritableFile(Jail jail, String path, WriteMode mode, Fd parent, byte[] leaf, byte[] temp, FileChannel channel,
                 Reservation reservation, long credit, long before, boolean created, Fd writeback) throws IOException {
        this.jail = jail;
        this.path = path;
        this.mode = mode;
        this.parent = parent;
        this.leaf = leaf;
        this.temp = temp;
        this.channel = channel;
        this.reservation = reservation;
        this.credit = credit;
        this.before = before;
        this.created = created;
        this.writeback = writeback;
        this.size = channel.size();
    }

    public String path() {
        return path;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    /**
     * Writes at the channel's position. A replacing write (written front to back, flushed at its {@link #commit()})
     * also asks the disk to start on every {@value #WRITEBACK_BYTES} bytes it wrote: the flush at the end then
     * waits for the last few MiB rather than the whole file, which for a 1 GiB upload was most of a second spent
     * after the last byte arrived. Durability is unchanged: nothing is promised before the commit's flush.
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        long end = channel.position() + src.remaining();
        grow(end);
        int n = channel.write(src);
        long pos = channel.position();
        size = Math.max(size, pos);
        if (writeback != null && pos - writebackFrom >= WRITEBACK_BYTES) {
            LinuxCalls.startWriteback(writeback.fd(), writebackFrom, pos - writebackFrom);
            writebackFrom = pos;
        }
        return n;
    }

    /** Writes at {@code position} without moving the channel's position (SFTP's positioned writes). */
    public int write(ByteBuffer src, long position) throws IOException {
        grow(position + src.remaining());
        int n = channel.write(src, position);
        size = Math.max(size, position + n);
        return n;
    }

    private void grow(long end) throws QuotaExceededException {
        if (end > size) {
            reservation.ensure(Math.max(0, end - credit));
        }
    }

    @Override
    public long position() throws IOException {
        return channel.position();
    }

    @Override
    public WritableFile position(long newPosition) throws IOException {
        channel.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public WritableFile truncate(long newSize) throws IOException {
        channel.truncate(newSize);
        size = Math.min(size, Math.max(newSize, 0));
        return this;
    }

    /** Flushes what was written to the disk (SFTP's {@code fsync@openssh.com}). */
    public void force() throws IOException {
        channel.force(false);
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    /**
     * Finishes the write: a replacing write is flushed to disk and renamed over the target (atomically), and the
     * server's usage records the new size.
     */
    public WriteResult commit() throws IOException {
        if (finished) {
            throw new IllegalStateException(path + " was already committed or abandoned");
        }
        finished = true;
        try {
            long finalSize = channel.size();
            if (mode == WriteMode.REPLACE) {
                channel.force(true);
                channel.close();
                try (Session s = jail.open()) {
                    s.rename(parent, temp, parent, leaf, false, path);
                } catch (IOException | RuntimeException e) {
                    removeTemp();
                    reservation.close();
                    throw e;
                }
            } else {
                channel.close();
            }
            reservation.commit(finalSize - before);
            return new WriteResult(path, finalSize, created);
        } finally {
            closeWriteback();
            parent.close();
        }
    }

    private void closeWriteback() {
        if (writeback != null) {
            writeback.close();
        }
    }

    /** Abandons a replacing write (its temporary file is removed); an in-place write keeps what it wrote. */
    @Override
    public void close() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        try {
            if (mode == WriteMode.REPLACE) {
                channel.close();
                removeTemp();
                reservation.close();
            } else {
                long finalSize = channel.size();
                channel.close();
                reservation.commit(finalSize - before);
            }
        } finally {
            closeWriteback();
            parent.close();
        }
    }

    private void removeTemp() {
        try (Session s = jail.open()) {
            s.unlink(parent, temp, false, path);
        } catch (IOException | RuntimeException e) {
            // already gone, or the root went away: nothing of ours is left to remove
        }
    }
}
