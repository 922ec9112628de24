package dev.raptor.backup;

import dev.raptor.core.backup.BackupRecord;
import dev.raptor.files.archive.ArchiveSource;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A backup's archive that checks, while a restore extracts it, that it is the archive that was written: the bytes
 * each opened channel gives, from its start and in order, go through SHA-256 as they are read (on a thread of the
 * channel's own, beside the extraction's read-ahead, which reads and decompresses). {@link #checkIntact()}, called
 * once the extraction is done and before the swap, takes the longest such run, reads whatever the extraction left unread after it (the archive's end,
 * past the last entry: a few bytes), and compares size and checksum with the record. So the bytes extracted are
 * the bytes checked, in one read of the archive, and an archive changed between a check and an extraction cannot
 * slip through.
 */
final class ChecksummedArchive implements ArchiveSource {
    private final ArchiveSource source;
    private final BackupRecord backup;
    private final List<HashingChannel> opened = new CopyOnWriteArrayList<>();

    ChecksummedArchive(ArchiveSource source, BackupRecord backup) {
        this.source = source;
        this.backup = backup;
    }

    @Override
    public String name() {
        return source.name();
    }

    @Override
    public SeekableByteChannel open() throws IOException {
        HashingChannel c = new HashingChannel(source.open());
        opened.add(c);
        return c;
    }

    /**
     * @throws BackupException.Corrupt when the archive's size or SHA-256 is not what the record says
     */
    @Override
    public void checkIntact() throws IOException {
        HashingChannel longest = null;
        for (HashingChannel c : opened) {
            if (c.inOrder && (longest == null || c.hashed > longest.hashed)) {
                longest = c;
            }
        }
        MessageDigest sha = longest == null ? sha256() : longest.digestSoFar();
        long read = longest == null ? 0 : longest.hashed;
        try (SeekableByteChannel rest = source.open()) {
            rest.position(read);
            ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
            int n;
            while ((n = rest.read(buf)) >= 0) {
                buf.flip();
                sha.update(buf);
                buf.clear();
                read += n;
            }
        }
        if (read != backup.sizeBytes()) {
            throw new BackupException.Corrupt(backup.serverId(), backup.id(),
                    "its size is " + read + " bytes, " + backup.sizeBytes() + " were written");
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(backup.sha256())) {
            throw new BackupException.Corrupt(backup.serverId(), backup.id(),
                    "its SHA-256 is " + actual + ", " + backup.sha256() + " was written");
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    /**
     * Hashes what is read from it while it is read from its start in order; a move elsewhere ends that (the
     * format sniffer's look at the head, a zip's reads at offsets), and such a channel is not used for the check.
     *
     * <p>The hashing runs on a thread of its own ({@code archive-checksum}), beside the thread that reads (which also
     * decompresses): SHA-256 costs about as much CPU as zstd's decompression, and the two in series made the
     * read-ahead the longest chain of a restore. What is read is copied into one of {@link #DEPTH} recycled chunks
     * and handed over; the reader waits only when all of them wait for the hasher. The thread starts at the first
     * read and ends when the channel is closed, once it has hashed what it was handed.
     */
    private static final class HashingChannel implements SeekableByteChannel {
        private static final int DEPTH = 8;
        private static final int CHUNK_BYTES = 512 * 1024;
        private static final byte[] END = new byte[0];

        private record Chunk(byte[] bytes, int length) {
        }

        private final SeekableByteChannel in;
        private final MessageDigest sha = sha256();
        private final BlockingQueue<Chunk> toHash = new ArrayBlockingQueue<>(DEPTH + 1); // the chunks and the end
        private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(DEPTH);
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition caughtUp = lock.newCondition();
        private Thread hasher;
        private int chunks; // made so far, at most DEPTH
        private boolean ended;
        private long digested; // guarded by lock
        private Throwable failure; // guarded by lock
        volatile boolean inOrder = true;
        volatile long hashed; // handed to the hasher

        HashingChannel(SeekableByteChannel in) {
            this.in = in;
        }

        /** The digest of everything read in order so far, once the hasher has caught up with it. */
        MessageDigest digestSoFar() throws IOException {
            lock.lock();
            try {
                while (digested < hashed && failure == null) {
                    caughtUp.awaitUninterruptibly(); // the hasher never waits on anything but this queue: this ends
                }
                if (failure != null) {
                    throw new IOException("the archive's checksum could not be taken", failure);
                }
                return (MessageDigest) sha.clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int start = dst.position();
            int n = in.read(dst);
            if (n > 0 && inOrder) {
                hand(dst.duplicate().position(start).limit(start + n));
            }
            return n;
        }

        private void hand(ByteBuffer read) throws IOException {
            if (hasher == null) {
                // A platform thread: hashing is CPU work from start to end.
                hasher = Thread.ofPlatform().daemon().name("archive-checksum").start(this::hashAll);
            }
            try {
                while (read.hasRemaining()) {
                    byte[] b = free.poll();
                    if (b == null) {
                        b = chunks < DEPTH ? new byte[CHUNK_BYTES] : free.take(); // made as needed: a sniff reads a few bytes
                        chunks = Math.min(DEPTH, chunks + 1);
                    }
                    int k = Math.min(b.length, read.remaining());
                    read.get(b, 0, k);
                    toHash.put(new Chunk(b, k));
                    hashed += k;
                }
            } catch (InterruptedException e) {
                inOrder = false; // bytes were read that are not hashed: this channel can no longer vouch for them
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while checksumming an archive");
            }
        }

        private void hashAll() {
            while (true) {
                Chunk c;
                try {
                    c = toHash.take();
                } catch (InterruptedException e) {
                    continue; // only the end stops it, so that what was handed over is always hashed
                }
                if (c.bytes() == END) {
                    return;
                }
                lock.lock();
                try {
                    if (failure == null) {
                        sha.update(c.bytes(), 0, c.length());
                        digested += c.length();
                    }
                } catch (Throwable t) {
                    failure = t; // the check fails instead of waiting forever; the reader still gets its chunks back
                } finally {
                    caughtUp.signalAll();
                    lock.unlock();
                }
                free.add(c.bytes());
            }
        }

        @Override
        public SeekableByteChannel position(long newPosition) throws IOException {
            if (newPosition != hashed) {
                inOrder = false;
            }
            in.position(newPosition);
            return this;
        }

        @Override
        public long position() throws IOException {
            return in.position();
        }

        @Override
        public long size() throws IOException {
            return in.size();
        }

        @Override
        public int write(ByteBuffer src) {
            throw new NonWritableChannelException();
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return in.isOpen();
        }

        @Override
        public void close() throws IOException {
            try {
                in.close();
            } finally {
                if (hasher != null && !ended) {
                    ended = true;
                    toHash.add(new Chunk(END, 0)); // never full: it has room for every chunk and the end
                }
            }
        }
    }
}
