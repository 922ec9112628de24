package dev.raptor.core.image;

import java.util.List;

/**
 * What a prune removed.
 *
 * @param removed        the removed images: their tags, or their id when they had none
 * @param reclaimedBytes their sizes added up (layers they shared with images that stay are not freed)
 */
public record PruneReport(List<String> removed, long reclaimedBytes) {
    public PruneReport {
        removed = List.copyOf(removed);
    }
}
