package dev.raptor.core.archive;

/** What an import does with a server whose id the store already has. */
public enum ImportMode {
    /** Refuse the whole import, naming every such id. The safe default. */
    FAIL_ON_EXISTING,
    /**
     * Overwrite them (spec, desired state, timestamps). The version becomes the larger of the imported
     * one and the stored one plus one, so a client holding the old version cannot overwrite the import.
     * SFTP logins of a replaced server are kept.
     */
    REPLACE_EXISTING
}
