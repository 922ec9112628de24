package dev.raptor.files;

/**
 * What {@link ServerFiles#openInPlace} does with the file that is, or is not, at the path: SFTP's open flags
 * ({@code CREAT}, {@code EXCL}, {@code TRUNC}) and FTP's store/append/restart, in one place.
 */
public enum OpenDisposition {
    /** The file must exist; it is opened as it is (SFTP open without {@code CREAT}, FTP {@code REST} + {@code STOR}). */
    OPEN_EXISTING(false, false, false),
    /** Opened as it is, created when missing (SFTP {@code CREAT}, an append, a resumed upload). */
    OPEN_OR_CREATE(true, false, false),
    /** Created; an existing file (or link) there is a conflict (SFTP {@code CREAT|EXCL}). */
    CREATE_NEW(true, true, false),
    /** The file must exist and is cut to nothing (SFTP {@code TRUNC} without {@code CREAT}). */
    TRUNCATE_EXISTING(false, false, true),
    /** Created when missing, cut to nothing when not (SFTP {@code CREAT|TRUNC}: what a plain upload sends). */
    CREATE_OR_TRUNCATE(true, false, true);

    private final boolean create;
    private final boolean exclusive;
    private final boolean truncate;

    OpenDisposition(boolean create, boolean exclusive, boolean truncate) {
        this.create = create;
        this.exclusive = exclusive;
        this.truncate = truncate;
    }

    public boolean creates() {
        return create;
    }

    public boolean exclusive() {
        return exclusive;
    }

    public boolean truncates() {
        return truncate;
    }

    /** The disposition for a set of SFTP-style flags. */
    public static OpenDisposition of(boolean create, boolean exclusive, boolean truncate) {
        if (exclusive) {
            return CREATE_NEW;
        }
        if (truncate) {
            return create ? CREATE_OR_TRUNCATE : TRUNCATE_EXISTING;
        }
        return create ? OPEN_OR_CREATE : OPEN_EXISTING;
    }
}
