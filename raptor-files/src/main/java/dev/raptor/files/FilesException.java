package dev.raptor.files;

import java.io.IOException;

/**
 * Why a file operation was refused: one subclass per kind of answer the API gives (a 4xx problem, an SFTP
 * status). The message is written for the person who asked (it names the path as they gave it, never the
 * host path); {@link #problem()} is a stable slug for the problem type. Other {@link IOException}s from the
 * jail are real I/O failures.
 */
public abstract sealed class FilesException extends IOException
        permits PathOutsideRootException, DeniedException, NotFoundException, QuotaExceededException,
        NotAFileException, NotADirectoryException, ConflictException, BadPathException, CancelledException,
        BadArchiveException, DiskFullException, FilesLockedException {

    private final String path;

    protected FilesException(String path, String message) {
        super(message);
        this.path = path;
    }

    /** The path concerned, as the caller gave it (or the archive entry's name); null when none. */
    public String path() {
        return path;
    }

    /** A stable slug naming the problem type ({@code path-outside-root}, {@code quota-exceeded}, ...). */
    public abstract String problem();
}
