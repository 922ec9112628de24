package dev.raptor.cli.output;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * One line of progress on standard error for work that lasts: drawn only on an interactive terminal, only once the
 * work has taken a second (a short transfer prints nothing), redrawn at most five times a second, and erased when
 * the work ends, so that what the verb prints afterwards (and everything a script reads) is unchanged.
 * {@link #update} may be called from any thread, as often as bytes move.
 */
public final class ProgressBar implements AutoCloseable {
    static final long SHOW_AFTER_NANOS = 1_000_000_000L;
    static final long REDRAW_NANOS = 200_000_000L;
    private static final int BAR_WIDTH = 24;

    private final PrintWriter err;
    private final boolean enabled;
    private final String label;
    private final LongSupplier nanoTime;
    private final long started;
    private final ReentrantLock drawing = new ReentrantLock();
    private volatile long total;
    private long lastDrawn = Long.MIN_VALUE;
    private boolean drawn;

    ProgressBar(PrintWriter err, boolean enabled, String label, long total, LongSupplier nanoTime) {
        this.err = err;
        this.enabled = enabled;
        this.label = label;
        this.total = total;
        this.nanoTime = nanoTime;
        this.started = nanoTime.getAsLong();
    }

    /** A bar for {@code label} of {@code total} bytes (-1 while unknown), shown when {@code terminal} is interactive. */
    public static ProgressBar start(Terminal terminal, PrintWriter err, String label, long total) {
        return new ProgressBar(err, terminal.interactive(), label, total, System::nanoTime);
    }

    /** The total, once known (an operation learns it as it goes). */
    public void total(long bytes) {
        this.total = bytes;
    }

    /** {@code done} bytes so far. */
    public void update(long done) {
        if (!enabled) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (now - started < SHOW_AFTER_NANOS || !drawing.tryLock()) {
            return;
        }
        try {
            if (drawn && now - lastDrawn < REDRAW_NANOS) {
                return;
            }
            err.print("\r" + line(label, done, total, now - started) + "\u001b[K");
            err.flush();
            lastDrawn = now;
            drawn = true;
        } finally {
            drawing.unlock();
        }
    }

    /** Erases the line, if one was drawn. */
    @Override
    public void close() {
        drawing.lock();
        try {
            if (drawn) {
                err.print("\r\u001b[K");
                err.flush();
                drawn = false;
            }
        } finally {
            drawing.unlock();
        }
    }

    /** {@code label [#########.......]  38%  390 MiB / 1.0 GiB  96 MiB/s}; without a total, no bar and no percentage. */
    static String line(String label, long done, long total, long elapsedNanos) {
        double seconds = Math.max(elapsedNanos / 1e9, 1e-3);
        String rate = Human.bytes((long) (done / seconds)) + "/s";
        if (total <= 0) {
            return String.format(Locale.ROOT, "%s  %s  %s", label, Human.bytes(done), rate);
        }
        double part = Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(part * BAR_WIDTH);
        return String.format(Locale.ROOT, "%s [%s%s] %3d%%  %s / %s  %s", label, "#".repeat(filled), ".".repeat(BAR_WIDTH - filled),
                (int) Math.floor(part * 100), Human.bytes(done), Human.bytes(total), rate);
    }
}
