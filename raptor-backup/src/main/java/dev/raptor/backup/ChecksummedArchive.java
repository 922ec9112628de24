package dev.raptor.backup;

import dev.raptor.core.backup.BackupRecord;
import dev.raptor.files.archive.ArchiveSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A backup's archive that checks, while a restore extracts it, that it is the archive that was written: the bytes
 * each opened channel gives, from its start and in order, go through SHA-256 as they are read (on the thread that
 * reads them, the extraction's read-ahead). {@link #checkIntact()}, called once the extraction is done and before
 * the swap, takes the longest such run, reads whatever the extraction left unread after it (the archive's end,
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
     */
    private static final class HashingChannel implements SeekableByteChannel {
        private final SeekableByteChannel in;
        private final MessageDigest sha = sha256();
        volatile boolean inOrder = true;
        volatile long hashed;

        HashingChannel(SeekableByteChannel in) {
            this.in = in;
        }

        MessageDigest digestSoFar() {
            try {
                return (MessageDigest) sha.clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
            }
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int start = dst.position();
            int n = in.read(dst);
            if (n > 0 && inOrder) {
                sha.update(dst.duplicate().position(start).limit(start + n));
                hashed += n;
            }
            return n;
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
            in.close();
        }
    }
}
