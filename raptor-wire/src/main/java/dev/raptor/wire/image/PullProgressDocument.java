package dev.raptor.wire.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.raptor.core.image.PullProgress;
import dev.raptor.core.image.PullTally;

import java.util.List;

/**
 * Where a pull stands, as its operation ({@code POST /images/pull}, {@code GET /operations/{opId}}) shows it.
 *
 * @param status the engine's latest message about the whole image ({@code Pulling from …}, {@code Digest: …},
 *               {@code Status: Downloaded newer image …}); absent before the first
 * @param layers every layer's latest step, in the order the engine first named them
 */
public record PullProgressDocument(@JsonInclude(JsonInclude.Include.NON_NULL) String status, List<Layer> layers) {

    /**
     * One layer's latest step.
     *
     * @param layer        the layer's short id
     * @param status       the engine's words for the step ({@code Waiting}, {@code Downloading}, {@code Extracting},
     *                     {@code Pull complete}, {@code Already exists})
     * @param currentBytes bytes of this step done so far; 0 when the step has no size
     * @param totalBytes   bytes this step has in all; 0 when unknown
     */
    public record Layer(String layer, String status, long currentBytes, long totalBytes) {
    }

    public static PullProgressDocument of(PullTally.Snapshot s) {
        return new PullProgressDocument(s.status(), s.layers().stream().map(PullProgressDocument::layer).toList());
    }

    private static Layer layer(PullProgress p) {
        return new Layer(p.layer(), p.status(), p.currentBytes(), p.totalBytes());
    }
}
