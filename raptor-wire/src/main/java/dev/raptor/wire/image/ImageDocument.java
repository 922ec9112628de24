package dev.raptor.wire.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.raptor.core.image.ImageInfo;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An image of the node, as {@code GET /images} lists it.
 *
 * @param id        the engine's id ({@code sha256:…})
 * @param tags      the references that name it; empty for an untagged image
 * @param sizeBytes its size on disk
 * @param createdAt when it was built or committed, when the engine says
 * @param labels    its labels
 * @param usedBy    the servers whose spec names it (it cannot be removed while there are any)
 */
public record ImageDocument(String id, List<String> tags, long sizeBytes, @JsonInclude(JsonInclude.Include.NON_NULL) Instant createdAt,
                            Map<String, String> labels, List<UUID> usedBy) {

    public static ImageDocument of(ImageInfo i, List<UUID> usedBy) {
        return new ImageDocument(i.id(), i.tags(), i.sizeBytes(), i.createdAt(), i.labels(), usedBy);
    }
}
