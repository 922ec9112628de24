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
     * activity entry; then, in the same transaction, its legacy FTP logins as SFTP/FTP users (a user that already
     * exists is a problem in either mode: users are never replaced by an import).
     *
     * @throws ImportConflictException when ids exist and {@code mode} is {@link ImportMode#FAIL_ON_EXISTING}, or a
     *                                  server's name is another's (one the import leaves on the node, or an earlier
     *                                  one of the import; names are unique per node, ignoring case), in any mode
     * @throws dev.raptor.core.validation.InvalidSpecException naming every legacy FTP login that cannot be written
     *                                                         (no such server, a bad username or hash, a user that
     *                                                         exists); then nothing is written
     */
    ImportReport importPlan(ImportPlan plan, ImportMode mode);
}
