package dev.raptor.wire.image;

import java.util.List;

/** {@code GET /images}: every image of the node and how many they are. */
public record ImageList(List<ImageDocument> images, int count) {
    public ImageList(List<ImageDocument> images) {
        this(images, images.size());
    }
}
