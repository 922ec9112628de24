package dev.raptor.backup;

import java.util.List;

/**
 * What to back up beyond "everything".
 *
 * @param name   the backup's name; null or blank: made from the time
 * @param ignore gitignore patterns of paths to leave out, added after those of the server's {@code .raptorignore}
 *               (so a request's {@code !pattern} can take back what the file leaves out)
 */
public record BackupRequest(String name, List<String> ignore) {
    public static final BackupRequest DEFAULT = new BackupRequest(null, List.of());

    public BackupRequest {
        ignore = ignore == null ? List.of() : List.copyOf(ignore);
        if (name != null && name.length() > 200) {
            throw new IllegalArgumentException("a backup name has at most 200 characters");
        }
    }
}
