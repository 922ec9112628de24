package dev.raptor.files.usage;

import dev.raptor.files.QuotaExceededException;

/**
 * Room reserved in a server's quota for one write in flight. A write of known size reserves it all up front
 * (refused before a byte is written); a stream of unknown length grows its reservation as it goes and is cut off
 * when it cannot. {@link #commit(long)} turns it into the real change; {@link #close()} without a commit gives the
 * room back (the write was abandoned and its partial output removed).
 */
public final class Reservation implements AutoCloseable {
    private final ServerUsage usage;
    private final long limit;
    private final String path;
    private long held;
    private boolean done;

    Reservation(ServerUsage usage, long limit, String path) {
        this.usage = usage;
        this.limit = limit;
        this.path = path;
    }

    /** Makes sure {@code total} bytes are reserved in all; refuses with the quota problem when they do not fit. */
    public void ensure(long total) throws QuotaExceededException {
        if (total > held) {
            usage.grow(total - held, limit, path);
            held = total;
        }
    }

    public long held() {
        return held;
    }

    /** The write happened: release the reservation and record {@code delta} bytes more (or fewer) in use. */
    public void commit(long delta) {
        if (!done) {
            done = true;
            usage.release(held, delta);
        }
    }

    @Override
    public void close() {
        if (!done) {
            done = true;
            usage.release(held, 0);
        }
    }
}
