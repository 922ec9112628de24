package dev.raptor.core.image;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An image the runtime holds, as the engine reports it.
 *
 * @param id        the engine's id ({@code sha256:…})
 * @param tags      the references that name it ({@code raptor-test/gameserver:1}); empty for an untagged image
 * @param sizeBytes its size on disk
 * @param createdAt when it was built or committed (null when the engine does not say)
 * @param labels    its labels
 */
public record ImageInfo(String id, List<String> tags, long sizeBytes, Instant createdAt, Map<String, String> labels) {
    public ImageInfo {
        tags = tags == null ? List.of() : List.copyOf(tags);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** Whether {@code reference} names this image: one of its tags (a missing tag meaning {@code latest}), or its id. */
    public boolean isNamedBy(String reference) {
        if (reference == null) {
            return false;
        }
        if (reference.equals(id) || (reference.length() >= 12 && id.replaceFirst("^sha256:", "").startsWith(reference.replaceFirst("^sha256:", "")))) {
            return true;
        }
        String wanted = ImageReference.normalize(reference);
        return tags.stream().map(ImageReference::normalize).anyMatch(wanted::equals);
    }
}
