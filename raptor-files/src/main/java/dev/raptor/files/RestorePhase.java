package dev.raptor.files;

/**
 * Where a {@link ServerVolumes#restore} stands. Until {@link #SWAPPING} the server's files have not been touched;
 * from {@link #SWAPPED} on they are the archive's. A crash in between is decided at the next boot by
 * {@link ServerVolumes#recoverRestores()}, one way or the other, never half.
 */
public enum RestorePhase {
    /** Building the new tree beside the root (a copy by hard links of the current files first, without truncate). */
    STAGING,
    /** The new tree is complete and on disk. */
    STAGED,
    /** The journal naming the staged tree is on disk; the swap comes next. */
    SWAPPING,
    /** The root is the new tree; the old one is being moved out of the way. */
    SWAPPED,
    /** The old tree is in the volumes' trash, which removes it in the background (a crash's leftovers at the next boot). */
    DONE
}
