package dev.raptor.files;

/** The server's files are locked for users while Raptor rewrites them ({@link FilesLocks}): try again later. */
public final class FilesLockedException extends FilesException {
    private final String reason;

    public FilesLockedException(String reason) {
        super(null, "the server's files are locked while " + reason + "; try again when it is done");
        this.reason = reason;
    }

    /** What the files are locked for ("restoring a backup"). */
    public String reason() {
        return reason;
    }

    @Override
    public String problem() {
        return "files-locked";
    }
}
