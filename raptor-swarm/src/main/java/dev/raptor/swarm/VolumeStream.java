package dev.raptor.swarm;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * A server's files as the engines' archive endpoints carry them (tar), passed from one node to another entry by entry,
 * and their digest: one SHA-256 over every entry's name, type, mode, owner, link target and the SHA-256 of its
 * content, in the order the archive holds them. Times are left out (a directory's time changes as files are written
 * into it), so the same files read on the source and read back on the target give the same digest.
 */
final class VolumeStream {
    private static final int BUFFER = 1 << 16;

    /**
     * What went through: the digest, the bytes of file content and the number of entries (all of them, sent or not), and
     * the bytes of content actually sent.
     */
    record Digest(String sha256, long bytes, long files, long sentBytes) {
    }

    /** Told every so often how many content bytes and entries have gone through. */
    @FunctionalInterface
    interface Progress {
        void moved(long bytes, long files);
    }

    private VolumeStream() {
    }

    /**
     * Copies the tar {@code in} to {@code out} entry by entry (closing neither), and answers its digest (over every entry,
     * sent or not). A file whose {@link #quickKey} is in {@code present} (the target has it already: an earlier attempt
     * cut short wrote it whole) is read and digested but not sent again; the digest of the target, read back after,
     * says whether that was right.
     */
    static Digest repack(InputStream in, OutputStream out, Set<String> present, Progress progress) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        TarArchiveOutputStream copy = new TarArchiveOutputStream(new NonClosing(out));
        copy.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        copy.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        Digest d = walk(tar, copy, present, progress);
        copy.finish();
        copy.flush();
        return d;
    }

    /** The digest of the tar {@code in}. */
    static Digest digest(InputStream in) throws IOException {
        return walk(new TarArchiveInputStream(in), null, Set.of(), (b, f) -> {
        });
    }

    /** The {@link #quickKey} of every file in the tar {@code in}: what a resumed copy need not send again. */
    static Set<String> files(InputStream in) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        Set<String> out = new HashSet<>();
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            if (e.isFile()) {
                out.add(quickKey(e));
            }
        }
        return out;
    }

    /**
     * A file as its header tells it: name, size, mode, owner and modification time. The engine sets a file's time as it
     * finishes writing it, so a file cut short by a broken copy never has its source's key.
     */
    static String quickKey(TarArchiveEntry e) {
        return name(e) + '\0' + e.getSize() + '\0' + Integer.toOctalString(e.getMode() & 07777) + '\0' + e.getLongUserId() + ':'
                + e.getLongGroupId() + '\0' + e.getModTime().getTime();
    }

    private static Digest walk(TarArchiveInputStream tar, TarArchiveOutputStream copy, Set<String> present, Progress progress)
            throws IOException {
        MessageDigest all = sha256();
        MessageDigest content = sha256();
        byte[] buffer = new byte[BUFFER];
        long bytes = 0;
        long sentBytes = 0;
        long files = 0;
        long told = 0;
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            boolean send = copy != null && !(e.isFile() && present.contains(quickKey(e)));
            if (send) {
                copy.putArchiveEntry(e);
            }
            content.reset();
            if (e.isFile()) {
                int n;
                while ((n = tar.read(buffer)) > 0) {
                    content.update(buffer, 0, n);
                    if (send) {
                        copy.write(buffer, 0, n);
                        sentBytes += n;
                    }
                    bytes += n;
                    if (bytes - told >= 8L << 20) {
                        told = bytes;
                        progress.moved(bytes, files);
                    }
                }
            }
            if (send) {
                copy.closeArchiveEntry();
            }
            files++;
            String line = name(e) + '\0' + (char) e.getLinkFlag() + '\0' + Integer.toOctalString(e.getMode() & 07777) + '\0'
                    + e.getLongUserId() + ':' + e.getLongGroupId() + '\0' + (e.isFile() ? e.getSize() : 0) + '\0'
                    + (e.isSymbolicLink() || e.isLink() ? e.getLinkName() : "") + '\0'
                    + (e.isFile() ? HexFormat.of().formatHex(content.digest()) : "") + '\n';
            all.update(line.getBytes(StandardCharsets.UTF_8));
        }
        progress.moved(bytes, files);
        return new Digest(HexFormat.of().formatHex(all.digest()), bytes, files, sentBytes);
    }

    /** A directory's name with or without its trailing slash is the same entry. */
    private static String name(TarArchiveEntry e) {
        String n = e.getName();
        return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The pipe to the target is closed by its owner, after the archive's end is written. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
