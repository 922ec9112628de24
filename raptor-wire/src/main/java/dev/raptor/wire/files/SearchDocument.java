package dev.raptor.wire.files;

import java.util.List;

/**
 * {@code GET /servers/{id}/files/search?q=NAME&path=DIR}: entries whose name holds {@code q} (case-insensitive), or
 * match it as a glob when it has {@code *}, {@code ?} or {@code [}; links are listed, never walked into.
 *
 * @param found     hits, each with its full path
 * @param truncated more would have been found past the limit
 */
public record SearchDocument(String path, String query, List<Found> found, boolean truncated) {

    /** A hit: the full path and its entry. */
    public record Found(String path, FileEntryDocument entry) {
    }
}
