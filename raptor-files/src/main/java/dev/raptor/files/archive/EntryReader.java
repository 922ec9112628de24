package dev.raptor.files.archive;

import com.github.luben.zstd.ZstdInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Enumeration;
import java.util.Locale;

/**
 * Reads an archive's entries in order, whatever its format, with flat memory: tar formats stream through their
 * decompressor, zip reads its central directory and then each entry from its offset. The content of the
 * current entry is {@link #content()}; entry names and sizes are the archive's claims, which the extraction
 * checks (and counts again while writing).
 */
public sealed interface EntryReader extends AutoCloseable permits EntryReader.Tar, EntryReader.Zip, EntryReader.Single {
    int BUFFER = 256 * 1024;
    int READ_AHEAD_CHUNK = 1024 * 1024;
    int READ_AHEAD_DEPTH = 3;

    /** The next entry, or null at the end. */
    ArchiveEntry next() throws IOException;

    /** The current entry's content (empty for anything but a file). */
    InputStream content() throws IOException;

    @Override
    void close() throws IOException;

    /** Reads {@code channel} as {@code format}; the reader closes the channel. */
    static EntryReader open(ArchiveFormat format, SeekableByteChannel channel, String archiveName) throws IOException {
        try {
            return switch (format) {
                case ZIP -> new Zip(channel);
                case TAR, TAR_GZ, TAR_BZ2, TAR_XZ, TAR_ZST -> new Tar(readAhead(decompressed(format, stream(channel))));
                case GZ, ZST, BZ2, XZ -> new Single(readAhead(decompressed(format, stream(channel))), singleName(archiveName, format));
            };
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static InputStream stream(SeekableByteChannel channel) {
        return new BufferedInputStream(Channels.newInputStream(channel), BUFFER);
    }

    /**
     * Reading, checksumming and decompressing the archive on one thread while the caller writes what it holds on
     * another: 4 MiB read ahead at most.
     */
    private static InputStream readAhead(InputStream in) {
        return new ReadAheadInputStream(in, READ_AHEAD_CHUNK, READ_AHEAD_DEPTH);
    }

    /** The decompressed stream of a compressed format (the stream itself for tar and zip). */
    static InputStream decompressed(ArchiveFormat format, InputStream in) throws IOException {
        return switch (format) {
            case TAR_GZ, GZ -> new java.util.zip.GZIPInputStream(in, BUFFER);
            case TAR_BZ2, BZ2 -> new BZip2CompressorInputStream(in, true);
            case TAR_XZ, XZ -> new XZCompressorInputStream(in, true);
            case TAR_ZST, ZST -> new BufferedInputStream(new ZstdInputStream(in), BUFFER);
            case TAR, ZIP -> in;
        };
    }

    /** {@code world.dat.gz} holds {@code world.dat}. */
    static String singleName(String archiveName, ArchiveFormat format) {
        String suffix = "." + format.extension();
        if (archiveName.toLowerCase(Locale.ROOT).endsWith(suffix) && archiveName.length() > suffix.length()) {
            return archiveName.substring(0, archiveName.length() - suffix.length());
        }
        return archiveName + ".out";
    }

    final class Tar implements EntryReader {
        private final TarArchiveInputStream tar;

        Tar(InputStream in) {
            tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name());
        }

        @Override
        public ArchiveEntry next() throws IOException {
            TarArchiveEntry e = tar.getNextEntry();
            if (e == null) {
                return null;
            }
            ArchiveEntry.Kind kind = e.isSymbolicLink() ? ArchiveEntry.Kind.SYMLINK
                    : e.isLink() ? ArchiveEntry.Kind.HARDLINK
                    : e.isFIFO() || e.isCharacterDevice() || e.isBlockDevice() ? ArchiveEntry.Kind.OTHER
                    : e.isDirectory() ? ArchiveEntry.Kind.DIRECTORY
                    : e.isFile() ? ArchiveEntry.Kind.FILE
                    : ArchiveEntry.Kind.OTHER;
            Instant modified = e.getLastModifiedTime() == null ? null : e.getLastModifiedTime().toInstant();
            long size = kind == ArchiveEntry.Kind.FILE ? e.getSize() : 0;
            return new ArchiveEntry(e.getName(), kind, size, e.getMode() & 07777, modified,
                    kind == ArchiveEntry.Kind.SYMLINK || kind == ArchiveEntry.Kind.HARDLINK ? e.getLinkName() : null);
        }

        @Override
        public InputStream content() {
            return tar;
        }

        @Override
        public void close() throws IOException {
            tar.close();
        }
    }

    final class Zip implements EntryReader {
        private final ZipFile zip;
        private final Enumeration<ZipArchiveEntry> entries;
        private ZipArchiveEntry current;

        Zip(SeekableByteChannel channel) throws IOException {
            zip = ZipFile.builder().setSeekableByteChannel(channel).setCharset(StandardCharsets.UTF_8).get();
            entries = zip.getEntriesInPhysicalOrder();
        }

        @Override
        public ArchiveEntry next() throws IOException {
            if (!entries.hasMoreElements()) {
                current = null;
                return null;
            }
            current = entries.nextElement();
            ArchiveEntry.Kind kind = current.isUnixSymlink() ? ArchiveEntry.Kind.SYMLINK
                    : current.isDirectory() ? ArchiveEntry.Kind.DIRECTORY
                    : ArchiveEntry.Kind.FILE;
            int unix = current.getUnixMode();
            int fileType = unix & 0170000;
            if (kind == ArchiveEntry.Kind.FILE && fileType != 0 && fileType != 0100000) {
                kind = ArchiveEntry.Kind.OTHER;
            }
            String target = kind == ArchiveEntry.Kind.SYMLINK ? zip.getUnixSymlink(current) : null;
            Instant modified = current.getLastModifiedTime() == null ? null : current.getLastModifiedTime().toInstant();
            long size = kind == ArchiveEntry.Kind.FILE ? current.getSize() : 0;
            return new ArchiveEntry(current.getName(), kind, size, unix & 07777, modified, target);
        }

        @Override
        public InputStream content() throws IOException {
            if (current == null || current.isDirectory()) {
                return InputStream.nullInputStream();
            }
            return zip.getInputStream(current);
        }

        @Override
        public void close() throws IOException {
            zip.close();
        }
    }

    /** A single compressed file: one entry, its size unknown until read. */
    final class Single implements EntryReader {
        private final InputStream in;
        private final String name;
        private boolean given;

        Single(InputStream in, String name) {
            this.in = in;
            this.name = name;
        }

        @Override
        public ArchiveEntry next() {
            if (given) {
                return null;
            }
            given = true;
            return new ArchiveEntry(name, ArchiveEntry.Kind.FILE, -1, 0644, null, null);
        }

        @Override
        public InputStream content() {
            return in;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Reads the first bytes of a channel (from its start). */
    static byte[] head(SeekableByteChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        ch.position(0);
        while (b.hasRemaining() && ch.read(b) > 0) {
            // fill
        }
        ch.position(0);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }
}
