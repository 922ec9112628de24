package dev.raptor.files.jail;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One server's root directory, and the only way raptor-files reaches a file beneath it.
 *
 * <h2>How a path stays inside</h2>
 * A {@link Session} opens the root once ({@code O_PATH|O_DIRECTORY}; the root's own host path is the
 * operator's and may go through links) and resolves a user path one component at a time, each with
 * {@code openat(dir, name, O_PATH|O_NOFOLLOW|O_DIRECTORY)} relative to the descriptor of the directory before
 * it. A component that is a symbolic link is read ({@code readlinkat}) and its target spliced into the
 * components still to walk: an absolute target is refused, and {@code ..} pops the jail's own stack of
 * descriptors instead of asking the kernel, so a {@code ..} above the root is refused and no {@code ..}
 * ever reaches a directory the walk did not come down through. Links are followed while they stay inside
 * (40 at most, then "too many levels"); {@code /proc/self/...} is unreachable because the walk never leaves
 * the root and never follows an absolute target.
 *
 * <h2>Why races cannot lead out</h2>
 * Every directory on the way is pinned by a descriptor, and the final call on the leaf never follows a link
 * there (see {@link Resolved}). A directory swapped for a link mid-operation is either seen as a link (and
 * checked like any link) or makes a {@code O_NOFOLLOW} call fail. A directory moved out of the root by a
 * process-runtime server (a user can only move its own directories, on the same file system) leaves the
 * jail working inside a directory that user owns and controls: no place it could not reach itself.
 * Special files are opened with {@code O_PATH} first, checked with {@code fstat}, and only a regular
 * file is reopened for I/O through {@code /proc/self/fd/N}, so a FIFO or device swapped in is never opened.
 *
 * <h2>Hard links</h2>
 * A hard link to a file outside cannot be told from the file itself. Writes replace the name (temporary
 * file, then {@code rename}), so they never write into a shared inode. What would change a shared inode is
 * refused on a regular file with more than one link: chmod, writing in place (SFTP resume). Reading such a
 * file is allowed only when it belongs to the root's owner (a server's user cannot link in a file it could
 * not read; {@code fs.protected_hardlinks} closes the rest). Containers cannot link across their bind mount.
 *
 * <h2>Ownership of new files</h2>
 * Files, directories and links the jail creates belong to the root's owner and group ({@code fchown} when
 * the daemon runs as root), so the server (an unprivileged user of the process runtime, or the container's
 * user) can change and delete them. Modes are 0644 for files and 0755 for directories less the daemon's
 * umask; a replaced file keeps its mode; extracted entries keep their archive's mode without setuid,
 * setgid and sticky bits.
 */
public final class Jail {
    private final Path root;

    public Jail(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The host path of the root (for logs; never shown to users). */
    public Path root() {
        return root;
    }

    /** Opens the root; the session is confined to the calling thread. */
    public Session open() throws IOException {
        return new Session(this);
    }
}
