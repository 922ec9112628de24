package dev.raptor.store;

import java.nio.file.Path;

/**
 * Another open store (in this or another process) holds the data directory. Two daemons writing one
 * database would each believe they own the servers, so only one may have it open.
 */
public final class StoreLockedException extends StoreException {
    private final Path dataDir;

    public StoreLockedException(Path dataDir) {
        super("data directory " + dataDir + " is in use by another open Raptor store; stop that daemon first");
        this.dataDir = dataDir;
    }

    public Path dataDir() {
        return dataDir;
    }
}
