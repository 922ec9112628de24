package dev.raptor.backup.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.locks.LockSupport;

/**
 * Passes bytes on at most {@code bytesPerSecond} on average (a token bucket holding a quarter second of bytes), so
 * a backup writing its archive leaves the disk to the game server. Waiting is the point: it parks the writing
 * thread, which is the backup's own.
 */
public final class RateLimitedOutputStream extends FilterOutputStream {
    private static final long NANOS = 1_000_000_000L;

    private final long bytesPerSecond;
    private final long burst;
    private double tokens;
    private long last = System.nanoTime();

    public RateLimitedOutputStream(OutputStream out, long bytesPerSecond) {
        super(out);
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("a rate limit must be positive");
        }
        this.bytesPerSecond = bytesPerSecond;
        this.burst = Math.max(64 * 1024, bytesPerSecond / 4);
        this.tokens = burst;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = (int) Math.min(len, burst);
            take(n);
            out.write(b, off, n);
            off += n;
            len -= n;
        }
    }

    private void take(int n) throws InterruptedIOException {
        refill();
        while (tokens < n) {
            long wait = (long) ((n - tokens) * NANOS / bytesPerSecond);
            LockSupport.parkNanos(this, Math.max(wait, 1_000_000));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while pacing a backup's writes");
            }
            refill();
        }
        tokens -= n;
    }

    private void refill() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (double) (now - last) * bytesPerSecond / NANOS);
        last = now;
    }
}
