package dev.raptor.files;

/** The file system ran out of space (or of inodes) while writing; partial output was removed. */
public final class DiskFullException extends FilesException {
    public DiskFullException(String path, String message) {
        super(path, message);
    }

    @Override
    public String problem() {
        return "disk-full";
    }
}
