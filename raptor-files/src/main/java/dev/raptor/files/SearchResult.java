package dev.raptor.files;

import java.util.List;

/**
 * @param found     hits in walk order
 * @param truncated more would have been found past the limit
 */
public record SearchResult(List<FoundFile> found, boolean truncated) {
    public SearchResult {
        found = List.copyOf(found);
    }
}
