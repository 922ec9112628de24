package dev.raptor.files.archive;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An archive that can be opened more than once (extraction reads it twice: once to check every entry and sum
 * their sizes, once to write them).
 */
public interface ArchiveSource {
    /** The archive's file name (a single compressed file is extracted under this name without its extension). */
    String name();

    SeekableByteChannel open() throws IOException;

    /**
     * Asked by a restore once the archive is extracted into its staging tree, before the server's files are touched:
     * a source that checks what it gave (a backup's recorded size and checksum) refuses it here by throwing, and the
     * staged tree goes. Nothing to check by default.
     */
    default void checkIntact() throws IOException {
    }

    /** A file outside any server (a backup). */
    static ArchiveSource of(Path file) {
        return new ArchiveSource() {
            @Override
            public String name() {
                return file.getFileName().toString();
            }

            @Override
            public SeekableByteChannel open() throws IOException {
                return Files.newByteChannel(file);
            }
        };
    }
}
