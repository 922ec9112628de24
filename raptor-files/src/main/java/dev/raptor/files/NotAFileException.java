package dev.raptor.files;

/** A regular file was needed and the path is a directory, a symbolic link where none may be, a FIFO, a socket or a device. */
public final class NotAFileException extends FilesException {
    public NotAFileException(String path, String message) {
        super(path, message);
    }

    @Override
    public String problem() {
        return "not-a-file";
    }
}
