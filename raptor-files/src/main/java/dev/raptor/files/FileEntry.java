package dev.raptor.files;

import java.time.Instant;
import java.util.Locale;

/**
 * One entry of a listing: what the file manager shows.
 *
 * @param name       the name in its directory
 * @param type       file, directory, symlink (never followed for this entry) or other
 * @param size       bytes (a link's own size; a directory's as the file system reports it)
 * @param mode       permission bits, e.g. {@code 0644} ({@link #octalMode()} formats them)
 * @param modified   last modification
 * @param created    birth time, null when the file system does not record it
 * @param mime       a MIME type from the name ({@code inode/directory}, {@code inode/symlink}, {@code inode/fifo}...)
 * @param linkTarget a link's target as stored, null for other entries
 * @param linkInside whether the link (and any after it) stays inside the server's root, so it may be followed;
 *                   null for other entries
 */
public record FileEntry(String name, FileType type, long size, int mode, Instant modified, Instant created,
                        String mime, String linkTarget, Boolean linkInside) {

    /** The mode as four octal digits, {@code "0644"}. */
    public String octalMode() {
        return String.format(Locale.ROOT, "%04o", mode & 07777);
    }

    public boolean isDirectory() {
        return type == FileType.DIRECTORY;
    }
}
