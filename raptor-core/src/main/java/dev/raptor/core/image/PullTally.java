package dev.raptor.core.image;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Where one pull stands: the latest step of every layer (in the order the engine first named them) and the latest
 * message about the whole image. The runtime's pull thread tells it each step; readers (a client polling the pull's
 * operation) take a {@link #snapshot} at any time without waiting for the pull.
 */
public final class PullTally implements Consumer<PullProgress> {
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, PullProgress> layers = new LinkedHashMap<>();
    private String status;

    /** Every layer's latest step, and the latest message about the whole image (null before the first). */
    public record Snapshot(String status, List<PullProgress> layers) {
        public Snapshot {
            layers = List.copyOf(layers);
        }
    }

    @Override
    public void accept(PullProgress p) {
        lock.lock();
        try {
            if (p.layer() == null) {
                status = p.status();
            } else {
                layers.put(p.layer(), p);
            }
        } finally {
            lock.unlock();
        }
    }

    public Snapshot snapshot() {
        lock.lock();
        try {
            return new Snapshot(status, new ArrayList<>(layers.values()));
        } finally {
            lock.unlock();
        }
    }
}
