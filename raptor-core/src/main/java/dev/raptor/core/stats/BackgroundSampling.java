package dev.raptor.core.stats;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A server kept read in the background by {@link StatsHub#sampleInBackground}, until closed (closing twice is
 * harmless).
 */
public final class BackgroundSampling implements AutoCloseable {
    private final Runnable release;
    private final AtomicBoolean open = new AtomicBoolean(true);

    BackgroundSampling(Runnable release) {
        this.release = release;
    }

    public boolean isOpen() {
        return open.get();
    }

    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            release.run();
        }
    }
}
