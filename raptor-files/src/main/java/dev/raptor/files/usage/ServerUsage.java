package dev.raptor.files.usage;

import dev.raptor.files.QuotaExceededException;

import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One server's usage ledger: the last scan's figure, what the jail changed since, and what writes in flight
 * have reserved. Quota decisions are made here, so two uploads at once cannot both pass a limit only one fits.
 * The lock guards arithmetic only (no I/O under it).
 *
 * <p>A change made while a scan runs may or may not be seen by that scan; it is added to the scan's result
 * anyway, so a figure can count a write twice until the next scan but never misses one (the safe side for
 * a quota).
 */
public final class ServerUsage {
    private final ReentrantLock lock = new ReentrantLock();
    private long bytes = -1;
    private Instant measuredAt;
    private boolean scanning;
    private long deltaDuringScan;
    private long reserved;
    private volatile long limit;

    /**
     * A ledger outside the tracker, measured at {@code bytes}: a restore's staged tree, whose size is known from
     * building it and which no scan will ever look at.
     */
    public static ServerUsage measured(long bytes, long limitBytes) {
        ServerUsage u = new ServerUsage();
        u.limit(limitBytes);
        u.scanFinished(bytes, Instant.now());
        return u;
    }

    public long limit() {
        return limit;
    }

    void limit(long limitBytes) {
        this.limit = Math.max(0, limitBytes);
    }

    public UsageFigure figure() {
        lock.lock();
        try {
            return new UsageFigure(bytes < 0 ? OptionalLong.empty() : OptionalLong.of(bytes), measuredAt, scanning, limit);
        } finally {
            lock.unlock();
        }
    }

    boolean everMeasured() {
        lock.lock();
        try {
            return bytes >= 0;
        } finally {
            lock.unlock();
        }
    }

    void scanStarted() {
        lock.lock();
        try {
            scanning = true;
            deltaDuringScan = 0;
        } finally {
            lock.unlock();
        }
    }

    void scanFinished(long measured, Instant at) {
        lock.lock();
        try {
            bytes = Math.max(0, measured + deltaDuringScan);
            measuredAt = at;
            scanning = false;
            deltaDuringScan = 0;
        } finally {
            lock.unlock();
        }
    }

    void scanFailed() {
        lock.lock();
        try {
            scanning = false;
        } finally {
            lock.unlock();
        }
    }

    /** Records a change the jail made (positive: written, negative: deleted). */
    public void changed(long deltaBytes) {
        if (deltaBytes == 0) {
            return;
        }
        lock.lock();
        try {
            if (bytes >= 0) {
                bytes = Math.max(0, bytes + deltaBytes);
            }
            if (scanning) {
                deltaDuringScan += deltaBytes;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reserves room for a write that is about to happen. With no limit nothing is refused; with an unknown
     * figure (no scan finished yet) only a write larger than the limit on its own is refused, since no caller
     * waits for a scan.
     *
     * @param path   for the refusal's message
     * @param limit  the quota in bytes, 0 = none
     */
    public Reservation reserve(long amount, long limit, String path) throws QuotaExceededException {
        Reservation r = new Reservation(this, limit, path);
        r.ensure(amount);
        return r;
    }

    void grow(long more, long limit, String path) throws QuotaExceededException {
        if (more <= 0) {
            return;
        }
        lock.lock();
        try {
            if (limit > 0) {
                long used = (bytes < 0 ? 0 : bytes) + reserved;
                if (used + more > limit) {
                    throw new QuotaExceededException(path, used, limit, more);
                }
            }
            reserved += more;
        } finally {
            lock.unlock();
        }
    }

    void release(long amount, long delta) {
        lock.lock();
        try {
            reserved -= amount;
        } finally {
            lock.unlock();
        }
        changed(delta);
    }

    /** Bytes reserved by writes in flight (for tests and metrics). */
    public long reserved() {
        lock.lock();
        try {
            return reserved;
        } finally {
            lock.unlock();
        }
    }
}
