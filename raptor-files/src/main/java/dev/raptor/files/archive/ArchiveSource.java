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
