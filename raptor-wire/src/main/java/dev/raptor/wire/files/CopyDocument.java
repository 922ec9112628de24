package dev.raptor.wire.files;

import java.util.List;

/**
 * A copy that happened.
 *
 * @param to      where the copy is (the default name when none was asked)
 * @param files   regular files copied
 * @param skipped paths not copied: links that would point outside from the new place, special files, denied entries
 */
public record CopyDocument(String from, String to, long bytes, long files, List<String> skipped) {
}
