package dev.raptor.files;

/** The path itself is unusable: a NUL byte, a component longer than 255 bytes, a control character in a new name, too many levels of links, the root where a name is needed. */
public final class BadPathException extends FilesException {
    public BadPathException(String path, String message) {
        super(path, message);
    }

    @Override
    public String problem() {
        return "bad-path";
    }
}
