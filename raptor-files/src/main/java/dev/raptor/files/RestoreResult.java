package dev.raptor.files;

/**
 * A restore that happened.
 *
 * @param extracted   what the archive put in place
 * @param truncated   whether the root became exactly the archive (otherwise files it does not hold were kept)
 * @param keptFiles   without truncate: entries of the previous tree carried over (by hard link, or copied)
 */
public record RestoreResult(ExtractResult extracted, boolean truncated, long keptFiles) {
}
