package dev.raptor.files.archive;

import dev.raptor.files.BadArchiveException;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;

/**
 * Tells an archive's format from its first bytes (never from its name): zip, gzip, bzip2, xz and zstd by their
 * magic numbers, then, for the compressed ones, whether what they hold is a tar archive or a single file.
 */
public final class ArchiveSniffer {
    private ArchiveSniffer() {
    }

    public static ArchiveFormat detect(SeekableByteChannel ch, String name) throws IOException {
        byte[] h = EntryReader.head(ch, 512);
        ArchiveFormat compressed;
        if (starts(h, 0x50, 0x4b, 0x03, 0x04) || starts(h, 0x50, 0x4b, 0x05, 0x06)) {
            return ArchiveFormat.ZIP;
        } else if (starts(h, 0x1f, 0x8b)) {
            compressed = ArchiveFormat.GZ;
        } else if (starts(h, 'B', 'Z', 'h')) {
            compressed = ArchiveFormat.BZ2;
        } else if (starts(h, 0xfd, '7', 'z', 'X', 'Z', 0x00)) {
            compressed = ArchiveFormat.XZ;
        } else if (starts(h, 0x28, 0xb5, 0x2f, 0xfd)) {
            compressed = ArchiveFormat.ZST;
        } else if (TarArchiveInputStream.matches(h, h.length) || (h.length >= 512 && name.toLowerCase(java.util.Locale.ROOT).endsWith(".tar"))) {
            return ArchiveFormat.TAR;
        } else {
            throw new BadArchiveException(name, name + " is not an archive Raptor reads (zip, tar, tar.gz, tar.bz2, tar.xz, tar.zst, .gz, .zst)");
        }
        byte[] inner = new byte[512];
        int got = 0;
        InputStream raw = new java.io.FilterInputStream(java.nio.channels.Channels.newInputStream(ch)) {
            @Override
            public void close() {
                // the channel stays open for the extraction
            }
        };
        try (InputStream in = EntryReader.decompressed(compressed, raw)) {
            int n;
            while (got < inner.length && (n = in.read(inner, got, inner.length - got)) > 0) {
                got += n;
            }
        } catch (IOException e) {
            throw new BadArchiveException(name, name + " is corrupt: " + e.getMessage());
        } finally {
            ch.position(0);
        }
        boolean tar = got == 512 && TarArchiveInputStream.matches(inner, got);
        return switch (compressed) {
            case GZ -> tar ? ArchiveFormat.TAR_GZ : ArchiveFormat.GZ;
            case BZ2 -> tar ? ArchiveFormat.TAR_BZ2 : ArchiveFormat.BZ2;
            case XZ -> tar ? ArchiveFormat.TAR_XZ : ArchiveFormat.XZ;
            default -> tar ? ArchiveFormat.TAR_ZST : ArchiveFormat.ZST;
        };
    }

    private static boolean starts(byte[] h, int... magic) {
        if (h.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((h[i] & 0xff) != (magic[i] & 0xff)) {
                return false;
            }
        }
        return true;
    }
}
