package dev.raptor.files;

/** Nothing exists at the path (or a directory on the way is missing). */
public final class NotFoundException extends FilesException {
    public NotFoundException(String path, String message) {
        super(path, message);
    }

    @Override
    public String problem() {
        return "not-found";
    }
}
