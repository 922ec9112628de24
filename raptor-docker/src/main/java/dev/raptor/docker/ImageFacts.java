package dev.raptor.docker;

import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.model.Image;
import dev.raptor.core.image.ImageInfo;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Reads {@link ImageInfo} out of the engine's image list and inspect answers. */
final class ImageFacts {
    /** What the engine lists as the tag of an image without one. */
    private static final String NO_TAG = "<none>:<none>";

    private ImageFacts() {
    }

    static ImageInfo from(Image i) {
        List<String> tags = i.getRepoTags() == null ? List.of() : Arrays.stream(i.getRepoTags()).filter(t -> !NO_TAG.equals(t)).toList();
        return new ImageInfo(i.getId(), tags, i.getSize() == null ? 0 : i.getSize(),
                i.getCreated() == null ? null : Instant.ofEpochSecond(i.getCreated()), labels(i.getLabels()));
    }

    static ImageInfo from(InspectImageResponse i) {
        List<String> tags = i.getRepoTags() == null ? List.of() : i.getRepoTags().stream().filter(t -> !NO_TAG.equals(t)).toList();
        Instant created = null;
        if (i.getCreated() != null) {
            try {
                created = Instant.parse(i.getCreated());
            } catch (DateTimeParseException e) {
                // the engine wrote a time it does not usually write: leave it out
            }
        }
        return new ImageInfo(i.getId(), tags, i.getSize() == null ? 0 : i.getSize(), created,
                labels(i.getConfig() == null ? null : i.getConfig().getLabels()));
    }

    /** The image's labels, without the emptied Raptor labels a committed image carries ({@link ServerFilesInImages}). */
    private static Map<String, String> labels(Map<String, String> labels) {
        if (labels == null) {
            return Map.of();
        }
        Map<String, String> out = new java.util.LinkedHashMap<>();
        labels.forEach((k, v) -> {
            if (!(k.startsWith(dev.raptor.core.server.ServerSpec.RESERVED_LABEL_PREFIX) && (v == null || v.isEmpty()))) {
                out.put(k, v);
            }
        });
        return out;
    }
}
