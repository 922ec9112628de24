package dev.raptor.files.archive;

import java.time.Instant;

/**
 * One entry as an archive describes it (nothing about it is trusted yet).
 *
 * @param name       the entry's name as stored
 * @param kind       what it is
 * @param size       its content's size; -1 when the archive does not say (a single compressed file)
 * @param mode       permission bits as stored (0 when none)
 * @param modified   modification time, or null
 * @param linkTarget a symbolic link's target, or a hard link's entry name; null otherwise
 */
public record ArchiveEntry(String name, Kind kind, long size, int mode, Instant modified, String linkTarget) {

    public enum Kind {
        FILE, DIRECTORY, SYMLINK, HARDLINK, OTHER
    }
}
