package dev.raptor.files;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress and cancellation of one long operation (copy, delete, compress, extract, search, a big write).
 * The operation sets totals when it knows them and counts as it goes; anyone may {@link #snapshot()} it or
 * {@link #cancel()} it from another thread; the operation stops at its next file or buffer, removes its partial
 * output and throws {@link CancelledException}. An interrupted thread counts as cancelled too.
 */
public final class Progress {
    private static final long NOTIFY_EVERY_NANOS = 250_000_000L;

    private final Listener listener;
    private final AtomicLong bytesDone = new AtomicLong();
    private final AtomicLong filesDone = new AtomicLong();
    private volatile long bytesTotal = -1;
    private volatile long filesTotal = -1;
    private volatile boolean cancelled;
    private volatile long lastNotified = System.nanoTime();

    /** Hears about progress at most a few times a second. */
    @FunctionalInterface
    public interface Listener {
        void progressed(Snapshot snapshot);
    }

    /**
     * Where an operation stands; a total is -1 while unknown.
     */
    public record Snapshot(long bytesDone, long bytesTotal, long filesDone, long filesTotal) {
    }

    private Progress(Listener listener) {
        this.listener = listener;
    }

    /** Progress nobody listens to (it can still be cancelled). */
    public static Progress none() {
        return new Progress(null);
    }

    public static Progress listening(Listener listener) {
        return new Progress(listener);
    }

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled || Thread.currentThread().isInterrupted();
    }

    /** Throws when cancelled; operations call it between files and buffers. */
    public void check(String path) throws CancelledException {
        if (isCancelled()) {
            throw new CancelledException(path, "the operation was cancelled");
        }
    }

    public void totals(long bytes, long files) {
        this.bytesTotal = bytes;
        this.filesTotal = files;
    }

    public void addBytes(long n) {
        bytesDone.addAndGet(n);
        maybeNotify();
    }

    public void addFile() {
        filesDone.incrementAndGet();
        maybeNotify();
    }

    public Snapshot snapshot() {
        return new Snapshot(bytesDone.get(), bytesTotal, filesDone.get(), filesTotal);
    }

    private void maybeNotify() {
        if (listener == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastNotified >= NOTIFY_EVERY_NANOS) {
            lastNotified = now;
            listener.progressed(snapshot());
        }
    }

    /** Tells the listener where things ended (operations call it once at the end). */
    void finish() {
        if (listener != null) {
            listener.progressed(snapshot());
        }
    }
}
