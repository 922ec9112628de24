package dev.raptor.wire.image;

import dev.raptor.core.image.PruneReport;

import java.util.List;

/**
 * What {@code POST /images/prune} removed.
 *
 * @param removed        the removed images: their tags, or their id when they had none
 * @param reclaimedBytes their sizes added up (layers shared with images that stay are not freed)
 */
public record ImagePruneDocument(List<String> removed, long reclaimedBytes) {
    public static ImagePruneDocument of(PruneReport r) {
        return new ImagePruneDocument(r.removed(), r.reclaimedBytes());
    }
}
