package dev.raptor.files.archive;

import com.github.luben.zstd.ZstdOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes entries into an archive stream: tar (plain, gzip, zstd with worker threads) or zip. Streams with flat
 * memory: an entry's content is copied through a fixed buffer, never held. Names are UTF-8; tar uses POSIX
 * (PAX) headers for long names and big sizes, zip uses Zip64 when needed.
 */
public sealed interface EntryWriter extends AutoCloseable permits EntryWriter.Tar, EntryWriter.Zip {
    int BUFFER = 256 * 1024;

    void directory(String name, int mode, Instant modified) throws IOException;

    /**
     * A regular file of exactly {@code size} bytes: a shorter stream is padded with zeros, a longer one cut (a
     * running server may change a file while it is archived; the archive stays well-formed).
     *
     * @return bytes taken from {@code content}
     */
    long file(String name, int mode, Instant modified, long size, InputStream content) throws IOException;

    void symlink(String name, String target, Instant modified) throws IOException;

    /** Writes the archive's end and closes the underlying stream. */
    void finish() throws IOException;

    @Override
    void close() throws IOException;

    /** An archive of {@code format} written to {@code out}. */
    static EntryWriter open(ArchiveFormat format, OutputStream out, CompressOptions options) throws IOException {
        return switch (format) {
            case ZIP -> new Zip(out, options.level());
            case TAR -> new Tar(new BufferedOutputStream(out, BUFFER));
            case TAR_GZ -> new Tar(new BufferedOutputStream(gzip(out, options.level()), BUFFER));
            case TAR_ZST -> new Tar(new BufferedOutputStream(zstd(out, options), BUFFER));
            default -> throw new IllegalArgumentException("Raptor does not write " + format.extension() + " archives");
        };
    }

    private static OutputStream gzip(OutputStream out, int level) throws IOException {
        int l = level > 0 ? Math.min(level, 9) : 6;
        return new GZIPOutputStream(out, BUFFER) {
            {
                def.setLevel(l);
            }
        };
    }

    private static OutputStream zstd(OutputStream out, CompressOptions options) throws IOException {
        ZstdOutputStream z = new ZstdOutputStream(out, options.level() > 0 ? Math.min(options.level(), 19) : 3);
        int threads = options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
        if (threads > 1) {
            z.setWorkers(threads);
        }
        z.setChecksum(true);
        return z;
    }

    /** Copies exactly {@code size} bytes (padding with zeros, dropping the rest); answers bytes taken. */
    private static long copyExactly(InputStream in, OutputStream out, long size) throws IOException {
        byte[] buf = new byte[BUFFER];
        long left = size;
        long taken = 0;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                break;
            }
            out.write(buf, 0, n);
            left -= n;
            taken += n;
        }
        if (left > 0) {
            java.util.Arrays.fill(buf, (byte) 0);
            while (left > 0) {
                int n = (int) Math.min(buf.length, left);
                out.write(buf, 0, n);
                left -= n;
            }
        }
        return taken;
    }

    final class Tar implements EntryWriter {
        private final TarArchiveOutputStream tar;

        Tar(OutputStream out) {
            tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
        }

        @Override
        public void directory(String name, int mode, Instant modified) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
            e.setMode(TarArchiveEntry.DEFAULT_DIR_MODE & ~07777 | (mode & 07777));
            stamp(e, modified);
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
        }

        @Override
        public long file(String name, int mode, Instant modified, long size, InputStream content) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~07777 | (mode & 07777));
            e.setSize(size);
            stamp(e, modified);
            tar.putArchiveEntry(e);
            long taken = copyExactly(content, tar, size);
            tar.closeArchiveEntry();
            return taken;
        }

        @Override
        public void symlink(String name, String target, Instant modified) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            e.setLinkName(target);
            e.setMode(0120777);
            stamp(e, modified);
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
        }

        private static void stamp(TarArchiveEntry e, Instant modified) {
            if (modified != null) {
                e.setModTime(java.nio.file.attribute.FileTime.from(modified));
            }
        }

        @Override
        public void finish() throws IOException {
            tar.finish();
            tar.close();
        }

        @Override
        public void close() throws IOException {
            tar.close();
        }
    }

    final class Zip implements EntryWriter {
        private final ZipArchiveOutputStream zip;

        Zip(OutputStream out, int level) {
            zip = new ZipArchiveOutputStream(new BufferedOutputStream(out, BUFFER));
            zip.setUseZip64(Zip64Mode.AsNeeded);
            zip.setEncoding(StandardCharsets.UTF_8.name());
            zip.setLevel(level > 0 ? Math.min(level, 9) : Deflater.DEFAULT_COMPRESSION);
        }

        @Override
        public void directory(String name, int mode, Instant modified) throws IOException {
            ZipArchiveEntry e = new ZipArchiveEntry(name.endsWith("/") ? name : name + "/");
            e.setUnixMode(UnixStat.DIR_FLAG | (mode & 0777));
            stamp(e, modified);
            zip.putArchiveEntry(e);
            zip.closeArchiveEntry();
        }

        @Override
        public long file(String name, int mode, Instant modified, long size, InputStream content) throws IOException {
            ZipArchiveEntry e = new ZipArchiveEntry(name);
            e.setUnixMode(UnixStat.FILE_FLAG | (mode & 0777));
            e.setSize(size);
            stamp(e, modified);
            zip.putArchiveEntry(e);
            long taken = copyExactly(content, zip, size);
            zip.closeArchiveEntry();
            return taken;
        }

        @Override
        public void symlink(String name, String target, Instant modified) throws IOException {
            ZipArchiveEntry e = new ZipArchiveEntry(name);
            e.setUnixMode(UnixStat.LINK_FLAG | 0777);
            byte[] t = target.getBytes(StandardCharsets.UTF_8);
            e.setSize(t.length);
            stamp(e, modified);
            zip.putArchiveEntry(e);
            zip.write(t);
            zip.closeArchiveEntry();
        }

        private static void stamp(ZipArchiveEntry e, Instant modified) {
            if (modified != null) {
                e.setLastModifiedTime(java.nio.file.attribute.FileTime.from(modified));
            }
        }

        @Override
        public void finish() throws IOException {
            zip.finish();
            zip.close();
        }

        @Override
        public void close() throws IOException {
            zip.close();
        }
    }
}
