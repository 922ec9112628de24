package dev.raptor.files;

/** The server's deny rules refuse this access (a denied or read-only path), or the file is one Raptor will not touch (hard-linked, for a change in place). */
public final class DeniedException extends FilesException {
    public DeniedException(String path, String message) {
        super(path, message);
    }

    @Override
    public String problem() {
        return "denied";
    }
}
