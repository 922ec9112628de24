package dev.raptor.core.image;

/**
 * One step of an image pull, per layer, as the engine reports it ({@code Downloading}, {@code Extracting},
 * {@code Pull complete}...).
 *
 * @param layer        the layer's short id; null for a message about the whole image ({@code Pulling from …},
 *                     {@code Digest: …}, {@code Status: Downloaded newer image …})
 * @param status       the engine's words for the step
 * @param currentBytes bytes of this step done so far; 0 when the step has no size
 * @param totalBytes   bytes this step has in all; 0 when unknown
 */
public record PullProgress(String layer, String status, long currentBytes, long totalBytes) {
}
