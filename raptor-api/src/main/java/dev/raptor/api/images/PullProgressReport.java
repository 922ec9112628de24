package dev.raptor.api.images;

import dev.raptor.core.image.PullProgress;
import dev.raptor.core.image.PullTally;
import dev.raptor.wire.operation.OperationProgress;

import java.time.Duration;
import java.util.List;

/**
 * A pull's tally told as the {@link OperationProgress} every long operation shows: the totals a backup tells too
 * (bytes of the layers' current steps, layers complete out of those named), plus the engine's whole-image message and
 * every layer's latest step, which a client draws line by line.
 */
final class PullProgressReport {
    static final String STAGE = "pulling";

    private PullProgressReport() {
    }

    /** The progress of a pull whose tally reads {@code s}, {@code elapsed} after it began. */
    static OperationProgress of(PullTally.Snapshot s, Duration elapsed) {
        long done = 0;
        long total = 0;
        boolean sized = !s.layers().isEmpty();
        long complete = 0;
        for (PullProgress p : s.layers()) {
            done += p.currentBytes();
            total += p.totalBytes();
            // A layer that is complete or already present has no size left to wait for.
            boolean finished = finished(p.status());
            sized &= p.totalBytes() > 0 || finished;
            if (finished) {
                complete++;
            }
        }
        long millis = Math.max(1, elapsed.toMillis());
        List<OperationProgress.Layer> layers = s.layers().stream()
                .map(p -> new OperationProgress.Layer(p.layer(), p.status(), p.currentBytes(), p.totalBytes())).toList();
        return new OperationProgress(STAGE, done, sized ? total : -1, complete, s.layers().size(), done * 1000 / millis,
                s.status(), layers);
    }

    private static boolean finished(String status) {
        return "Pull complete".equals(status) || "Already exists".equals(status);
    }
}
