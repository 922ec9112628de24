package dev.raptor.core.operation;

import java.util.Locale;

/**
 * What an operation works on: the server's power (start, stop, delete, a spec apply: the controller's intents),
 * its files (compress, decompress, pull, a delete of a tree: long file work with progress), its backups (a
 * backup, a restore: long work with progress, about one backup) or images (a pull for the node, a commit of a
 * server: the engine's work, kept in memory only, never in the store).
 */
public enum OperationKind {
    POWER, FILES, BACKUP, IMAGE;

    /** {@code power}, {@code files}, {@code backup} or {@code image}: the API's and the table's word. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything but a {@link #wireName()} */
    public static OperationKind parse(String wireName) {
        for (OperationKind k : values()) {
            if (k.wireName().equals(wireName)) {
                return k;
            }
        }
        throw new IllegalArgumentException("no operation kind '" + wireName + "'");
    }
}
