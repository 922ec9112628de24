package dev.raptor.files.archive;

/**
 * How an archive is extracted.
 *
 * @param faithful   keep the archive's modes exactly (setuid, setgid and sticky bits still dropped) and the
 *                   modification times of directories and links too; otherwise files get at least {@code rw} and
 *                   directories at least {@code rwx} for their owner (a user's upload must stay editable), and only
 *                   files get their time. A restore is faithful: the tree must come back as it was saved.
 * @param archiveWins where the archive has a file and the destination a directory (or the reverse), replace what
 *                   is there; otherwise such a clash refuses the whole extraction before anything is moved
 */
public record ExtractOptions(boolean faithful, boolean archiveWins) {
    /** What a user's "extract here" does. */
    public static final ExtractOptions DEFAULTS = new ExtractOptions(false, false);
    /** What a restore does: the archive comes back as it was, over whatever is there. */
    public static final ExtractOptions RESTORE = new ExtractOptions(true, true);
}
