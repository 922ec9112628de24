package dev.raptor.files;

/** A directory was needed and the path (or a component on the way) is something else. */
public final class NotADirectoryException extends FilesException {
    public NotADirectoryException(String path, String message) {
        super(path, message);
    }

    @Override
    public String problem() {
        return "not-a-directory";
    }
}
