package dev.raptor.files;

/** How {@link ServerFiles#openWrite} writes. */
public enum WriteMode {
    /**
     * Into a temporary file in the same directory, renamed over the target on {@link WritableFile#commit()}:
     * readers see the old file or the new one, never half of one; an abandoned write leaves nothing.
     */
    REPLACE,
    /**
     * Into the existing file (created when missing), at the positions written: SFTP resume and append. Refused
     * on a file with other hard links.
     */
    IN_PLACE
}
