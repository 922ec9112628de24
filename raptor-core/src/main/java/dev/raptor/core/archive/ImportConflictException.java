package dev.raptor.core.archive;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An import clashes with this node, or with itself, and nothing was written: it names servers that
 * already exist (and was not told to replace them), or gives a server a name another server has (names are
 * unique per node, ignoring case; replacing does not change that).
 */
public final class ImportConflictException extends RuntimeException {
    private final List<UUID> existing;
    private final List<NameClash> names;

    /**
     * A server of the import whose name another server has.
     *
     * @param server     the imported server
     * @param name       the name it would have
     * @param holder     the server that has it: one that stays on the node, or an earlier one of the import
     * @param holderName the holder's spelling of it
     */
    public record NameClash(UUID server, String name, UUID holder, String holderName) {
        String describe() {
            return "server " + server + "'s name '" + name + "' is taken by " + holder
                    + (holderName.equals(name) ? "" : " (as '" + holderName + "')");
        }
    }

    public ImportConflictException(List<UUID> existing) {
        this(existing, List.of());
    }

    public ImportConflictException(List<UUID> existing, List<NameClash> names) {
        super(message(existing, names));
        this.existing = List.copyOf(existing);
        this.names = List.copyOf(names);
    }

    private static String message(List<UUID> existing, List<NameClash> names) {
        List<String> parts = new ArrayList<>();
        if (!existing.isEmpty()) {
            parts.add("server" + (existing.size() == 1 ? " " : "s ") + existing.stream().map(UUID::toString)
                    .reduce((a, b) -> a + ", " + b).orElse("") + (existing.size() == 1 ? " already exists" : " already exist")
                    + " (import with replace mode to overwrite)");
        }
        for (NameClash c : names) {
            parts.add(c.describe());
        }
        return "import refused, nothing was written: " + String.join("; ", parts);
    }

    /** The ids that already exist, in document order. */
    public List<UUID> existing() {
        return existing;
    }

    /** The servers whose names are taken, in document order. */
    public List<NameClash> names() {
        return names;
    }
}
