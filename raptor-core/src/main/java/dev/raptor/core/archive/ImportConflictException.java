package dev.raptor.core.archive;

import java.util.List;
import java.util.UUID;

/** An import named servers that already exist, and was not told to replace them. Nothing was written. */
public final class ImportConflictException extends RuntimeException {
    private final List<UUID> existing;

    public ImportConflictException(List<UUID> existing) {
        super("import refused, nothing was written: server" + (existing.size() == 1 ? " " : "s ") + existing
                .stream().map(UUID::toString).reduce((a, b) -> a + ", " + b).orElse("")
                + (existing.size() == 1 ? " already exists" : " already exist")
                + " (import with replace mode to overwrite)");
        this.existing = List.copyOf(existing);
    }

    /** The ids that already exist, in document order. */
    public List<UUID> existing() {
        return existing;
    }
}
