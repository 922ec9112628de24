package dev.raptor.files;

/** The change contradicts what exists: the target exists, a directory is not empty, a directory would move into itself. */
public final class ConflictException extends FilesException {
    public ConflictException(String path, String message) {
        super(path, message);
    }

    @Override
    public String problem() {
        return "conflict";
    }
}
