package dev.raptor.files;

/** The archive is of no known format, is corrupt, or holds an entry that cannot be extracted (a device, a FIFO). */
public final class BadArchiveException extends FilesException {
    public BadArchiveException(String path, String message) {
        super(path, message);
    }

    @Override
    public String problem() {
        return "bad-archive";
    }
}
