package dev.raptor.files;

import java.util.List;

/**
 * A delete that happened.
 *
 * @param deleted paths removed (as asked)
 * @param absent  paths that were already gone (deleting them again is a success)
 * @param files   entries removed, everything inside directories included
 * @param bytes   bytes freed (files with other hard links free nothing)
 */
public record DeleteResult(List<String> deleted, List<String> absent, long files, long bytes) {
    public DeleteResult {
        deleted = List.copyOf(deleted);
        absent = List.copyOf(absent);
    }
}
