package dev.raptor.files.archive;

import dev.raptor.files.jail.JailPath;

import java.util.List;

/**
 * How an archive is extracted.
 *
 * @param faithful   keep the archive's modes exactly (setuid, setgid and sticky bits still dropped) and the
 *                   modification times of directories and links too; otherwise files get at least {@code rw} and
 *                   directories at least {@code rwx} for their owner (a user's upload must stay editable), and only
 *                   files get their time. A restore is faithful: the tree must come back as it was saved.
 * @param archiveWins where the archive has a file and the destination a directory (or the reverse), replace what
 *                   is there; otherwise such a clash refuses the whole extraction before anything is moved
 * @param checkFirst read every entry's header (and reserve the total in the quota) before writing anything, which
 *                   reads the archive twice; without it each entry is checked the same way just before it is
 *                   written, in one pass, and a refusal removes what was staged. Only a caller that extracts into
 *                   a private staging tree of its own (a restore, whose archive's checksum was verified) turns it off.
 * @param kept       paths (relative to the destination) the archive never writes: its entries at or under them are
 *                   skipped, so what is there stays (an update's preserved world and config)
 */
public record ExtractOptions(boolean faithful, boolean archiveWins, boolean checkFirst, List<JailPath> kept) {
    public ExtractOptions {
        kept = List.copyOf(kept);
    }

    public ExtractOptions(boolean faithful, boolean archiveWins, boolean checkFirst) {
        this(faithful, archiveWins, checkFirst, List.of());
    }

    /** These options, with the archive's entries at or under {@code paths} skipped. */
    public ExtractOptions keeping(List<JailPath> paths) {
        return new ExtractOptions(faithful, archiveWins, checkFirst, paths);
    }

    /** Whether the entry at {@code relative} is skipped because it lies at or under a kept path. */
    public boolean keeps(JailPath relative) {
        for (JailPath k : kept) {
            if (relative.startsWith(k)) {
                return true;
            }
        }
        return false;
    }

    /** What a user's "extract here" does. */
    public static final ExtractOptions DEFAULTS = new ExtractOptions(false, false, true);
    /** What a restore does: the archive comes back as it was, over whatever is there, in one pass. */
    public static final ExtractOptions RESTORE = new ExtractOptions(true, true, false);
}
