package dev.raptor.files;

import dev.raptor.files.archive.ArchiveFormat;

import java.util.List;

/**
 * An archive that was written.
 *
 * @param path         the archive (as asked or the default name); null when written to a stream
 * @param format       its format
 * @param archiveBytes its size
 * @param files        regular files in it
 * @param inputBytes   their total size
 * @param skipped      paths left out: links pointing outside, special files, entries the rules hide or ignore
 */
public record ArchiveResult(String path, ArchiveFormat format, long archiveBytes, long files, long inputBytes,
                            List<String> skipped) {
    public ArchiveResult {
        skipped = List.copyOf(skipped);
    }
}
