package dev.raptor.files;

import java.util.List;

/**
 * A copy that happened.
 *
 * @param from    the source as asked
 * @param to      where the copy is (the default name when none was asked)
 * @param bytes   bytes copied
 * @param files   regular files copied
 * @param skipped paths inside the source not copied: links that would point outside from the new place,
 *                special files, entries the deny rules hide
 */
public record CopyResult(String from, String to, long bytes, long files, List<String> skipped) {
    public CopyResult {
        skipped = List.copyOf(skipped);
    }
}
