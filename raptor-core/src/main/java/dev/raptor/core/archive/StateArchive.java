package dev.raptor.core.archive;

/**
 * A node's whole state, out and in: what {@code GET /state/export} answers and {@code POST /state/import}
 * writes. The store implements it; reading and writing the documents (a Raptor export, the legacy
 * {@code containers.json}) is the wire's job, which turns them into an {@link ImportPlan} first.
 */
public interface StateArchive {

    /** Every server as last committed. */
    ExportedState export();

    /**
     * Writes every server of {@code plan}, all or none, in one transaction, each with an {@code import}
     * activity entry.
     *
     * @throws ImportConflictException when ids exist and {@code mode} is {@link ImportMode#FAIL_ON_EXISTING}, or a
     *                                  server's name is another's (one the import leaves on the node, or an earlier
     *                                  one of the import; names are unique per node, ignoring case), in any mode
     */
    ImportReport importPlan(ImportPlan plan, ImportMode mode);
}
