package dev.raptor.files;

/** The caller cancelled the operation (or interrupted its thread); partial output was removed. */
public final class CancelledException extends FilesException {
    public CancelledException(String path, String message) {
        super(path, message);
    }

    @Override
    public String problem() {
        return "cancelled";
    }
}
