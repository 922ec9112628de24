package dev.raptor.files;

/**
 * The server's disk quota would be exceeded: refused before anything was written (or, for a stream of unknown
 * length, when it crossed the limit; the partial file was removed).
 */
public final class QuotaExceededException extends FilesException {
    private final long usedBytes;
    private final long limitBytes;
    private final long neededBytes;

    public QuotaExceededException(String path, long usedBytes, long limitBytes, long neededBytes) {
        super(path, "the server's disk quota would be exceeded: " + Sizes.human(usedBytes) + " of "
                + Sizes.human(limitBytes) + " used, " + Sizes.human(neededBytes) + " more needed");
        this.usedBytes = usedBytes;
        this.limitBytes = limitBytes;
        this.neededBytes = neededBytes;
    }

    /** Bytes in use (including writes in flight) when the write was refused. */
    public long usedBytes() {
        return usedBytes;
    }

    public long limitBytes() {
        return limitBytes;
    }

    /** Bytes the refused write needed on top of {@link #usedBytes()}. */
    public long neededBytes() {
        return neededBytes;
    }

    @Override
    public String problem() {
        return "quota-exceeded";
    }
}
