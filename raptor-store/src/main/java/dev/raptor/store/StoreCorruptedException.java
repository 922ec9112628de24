package dev.raptor.store;

import java.nio.file.Path;

/**
 * The database file is damaged or is not a SQLite database at all. The message is one line meant
 * for an operator: it names the file, what is wrong, and what to do (restore a snapshot).
 */
public final class StoreCorruptedException extends StoreException {
    private final Path file;

    public StoreCorruptedException(Path file, String problem, Throwable cause) {
        super(describe(file, problem), cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }

    private static String describe(Path file, String problem) {
        Path snapshots = file.toAbsolutePath().getParent() == null ? Path.of("snapshots")
                : file.toAbsolutePath().getParent().resolve("snapshots");
        return "database " + file + " is damaged (" + oneLine(problem) + "); restore a good snapshot from " + snapshots
                + ", or move the file aside to start empty";
    }

    private static String oneLine(String text) {
        return text == null ? "unknown problem" : text.replaceAll("\\s+", " ").strip();
    }
}
