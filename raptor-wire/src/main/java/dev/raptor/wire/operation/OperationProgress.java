package dev.raptor.wire.operation;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * How far a long operation (a backup, a restore, an image pull) has got. Every long operation tells the same
 * totals; a pull also names the engine's latest word about the whole image and every layer's latest step, which
 * only it has.
 *
 * @param stage          {@code archiving}, {@code verifying}, {@code extracting}, {@code swapping} (a backup or
 *                       restore), {@code pulling} (a pull)
 * @param bytesDone      bytes done in this stage (a pull: the sum of its layers' current steps; a finished layer has
 *                       none left, so a pull's layers done of those named are its steadier measure)
 * @param bytesTotal     the stage's total, -1 while unknown (a pull: while some layer's size is)
 * @param filesDone      entries done (a pull: layers complete or already present)
 * @param filesTotal     entries in all, -1 while unknown (a pull: the layers the engine has named so far)
 * @param bytesPerSecond the stage's average rate so far
 * @param status         a pull: the engine's latest message about the whole image ({@code Pulling from …},
 *                       {@code Digest: …}, {@code Status: Downloaded newer image …}); absent otherwise
 * @param layers         a pull: every layer's latest step, in the order the engine first named them; absent otherwise
 */
public record OperationProgress(String stage, long bytesDone, long bytesTotal, long filesDone, long filesTotal, long bytesPerSecond,
                                @JsonInclude(JsonInclude.Include.NON_NULL) String status,
                                @JsonInclude(JsonInclude.Include.NON_NULL) List<Layer> layers) {

    /** A backup's or restore's progress: totals only. */
    public OperationProgress(String stage, long bytesDone, long bytesTotal, long filesDone, long filesTotal, long bytesPerSecond) {
        this(stage, bytesDone, bytesTotal, filesDone, filesTotal, bytesPerSecond, null, null);
    }

    public OperationProgress {
        layers = layers == null ? null : List.copyOf(layers);
    }

    /**
     * One layer's latest step in a pull.
     *
     * @param layer        the layer's short id
     * @param status       the engine's words for the step ({@code Waiting}, {@code Downloading}, {@code Extracting},
     *                     {@code Pull complete}, {@code Already exists})
     * @param currentBytes bytes of this step done so far; 0 when the step has no size
     * @param totalBytes   bytes this step has in all; 0 when unknown
     */
    public record Layer(String layer, String status, long currentBytes, long totalBytes) {
    }
}
