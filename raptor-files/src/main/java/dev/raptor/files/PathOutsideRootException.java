package dev.raptor.files;

/** The path leads out of the server's root: {@code ..} above it, or a symbolic link (or an archive entry) pointing outside. Nothing was touched. */
public final class PathOutsideRootException extends FilesException {
    public PathOutsideRootException(String path, String message) {
        super(path, message);
    }

    @Override
    public String problem() {
        return "path-outside-root";
    }
}
