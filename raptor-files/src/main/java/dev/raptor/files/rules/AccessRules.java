package dev.raptor.files.rules;

import dev.raptor.files.DeniedException;
import dev.raptor.files.jail.JailPath;

import java.util.List;

/**
 * A server's deny rules, both in gitignore syntax: {@code deny} paths are invisible to users (not listed, not
 * read, not written, not archived), {@code readOnly} paths can be read and listed but not written, deleted,
 * renamed or extracted over (e.g. {@code /server.jar}). Checked by every operation of the jail on the path as
 * asked and on the path the links really led to. A directory that matches covers everything inside it.
 *
 * <p>Raptor's own work (backups it takes, installs) may use {@link #NONE}: the jail still keeps it inside.
 */
public record AccessRules(IgnoreRules deny, IgnoreRules readOnly) {
    public static final AccessRules NONE = new AccessRules(IgnoreRules.NONE, IgnoreRules.NONE);

    public static AccessRules of(List<String> deny, List<String> readOnly) {
        return new AccessRules(IgnoreRules.of(deny), IgnoreRules.of(readOnly));
    }

    /** What a user may do with a path. */
    public enum Access {
        NONE, READ, READ_WRITE
    }

    public boolean isEmpty() {
        return deny.isEmpty() && readOnly.isEmpty();
    }

    public Access access(JailPath path, boolean isDirectory) {
        if (deny.excludes(path, isDirectory)) {
            return Access.NONE;
        }
        if (readOnly.excludes(path, isDirectory)) {
            return Access.READ;
        }
        return Access.READ_WRITE;
    }

    /** Whether the path is hidden from listings and searches. */
    public boolean hides(JailPath path, boolean isDirectory) {
        return deny.excludes(path, isDirectory);
    }

    public void requireRead(JailPath path, boolean isDirectory) throws DeniedException {
        if (access(path, isDirectory) == Access.NONE) {
            throw new DeniedException(path.toString(), path + " is denied by the server's file rules");
        }
    }

    public void requireWrite(JailPath path, boolean isDirectory) throws DeniedException {
        Access a = access(path, isDirectory);
        if (a == Access.NONE) {
            throw new DeniedException(path.toString(), path + " is denied by the server's file rules");
        }
        if (a == Access.READ) {
            throw new DeniedException(path.toString(), path + " is read-only by the server's file rules");
        }
    }
}
