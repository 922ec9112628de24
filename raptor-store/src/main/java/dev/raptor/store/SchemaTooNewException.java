package dev.raptor.store;

import java.nio.file.Path;

/**
 * The database was written by a newer Raptor whose schema this build does not know. Opening it
 * anyway could corrupt data the newer version relies on, so the store refuses.
 */
public final class SchemaTooNewException extends StoreException {
    private final Path file;
    private final int found;
    private final int known;

    public SchemaTooNewException(Path file, int found, int known) {
        super("database " + file + " has schema version " + found + " but this Raptor knows only up to " + known
                + "; run the newer Raptor that wrote it, or restore a snapshot taken before the upgrade");
        this.file = file;
        this.found = found;
        this.known = known;
    }

    public Path file() {
        return file;
    }

    public int found() {
        return found;
    }

    public int known() {
        return known;
    }
}
