package dev.raptor.files;

import dev.raptor.files.archive.ArchiveFormat;

import java.util.List;

/**
 * An extraction that happened.
 *
 * @param destination the directory extracted into (as asked)
 * @param format      the archive's format, found from its content
 * @param files       regular files written
 * @param directories directories created or merged into
 * @param links       symbolic and hard links created
 * @param bytes       bytes written
 * @param skipped     entries not extracted (FIFOs, devices)
 */
public record ExtractResult(String destination, ArchiveFormat format, long files, long directories, long links,
                            long bytes, List<String> skipped) {
    public ExtractResult {
        skipped = List.copyOf(skipped);
    }
}
