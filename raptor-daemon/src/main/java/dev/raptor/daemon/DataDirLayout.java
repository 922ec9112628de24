package dev.raptor.daemon;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The modes of the data directory. Game servers on the process runtime run as an unprivileged user that must
 * reach its own volume, {@code <dataDir>/volumes/<server id>}, and nothing else:
 *
 * <pre>
 * &lt;dataDir&gt;/              0711  the daemon's user; others may pass, not list
 *   volumes/             0711  the same
 *     &lt;server id&gt;/        0700  the server user's (the process runtime hands it over; Docker bind-mounts it)
 *   sockets/             0711  the same: the servers' message sockets (made by the API's MessageSockets)
 *     &lt;server id&gt;/        0700  owned like the server's volume; holds messages.sock (0600)
 *   raptor.db, -wal, -shm, raptor.lock, api-key, token-secret   0600
 *   process/             0700  the process runtime's records
 *   raptor.sock          0660  the API's Unix socket (owner and group)
 * </pre>
 *
 * Every entry but {@code volumes} and {@code sockets} is closed to others (no "other" permission bits) before the directory is
 * opened to them, so a data directory made by an older version (0750, with a 0644 database) is fixed at boot
 * without exposing anything: what was unreachable to others stays unreadable to them. When an entry cannot be
 * closed, the directory is not opened (and boot says why).
 */
final class DataDirLayout {
    /** The directory holding one data directory per server. */
    static final String VOLUMES = "volumes";
    /** The directory holding one message-socket directory per server with messaging; others pass like volumes. */
    static final String SOCKETS = "sockets";
    static final Set<PosixFilePermission> PASSABLE = PosixFilePermissions.fromString("rwx--x--x");
    private static final Set<PosixFilePermission> OTHERS_PASS = EnumSet.of(PosixFilePermission.OTHERS_EXECUTE);
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private DataDirLayout() {
    }

    /**
     * What {@link #prepare} made.
     *
     * @param volumes  the directory holding one data directory per server
     * @param changes  what it changed, one line each, for the boot log
     * @param problems what it could not do and what that means, for the boot log as warnings
     */
    record Prepared(Path volumes, List<String> changes, List<String> problems) {
        Prepared {
            changes = List.copyOf(changes);
            problems = List.copyOf(problems);
        }
    }

    /**
     * Creates the data directory (and any missing directory above it, each 0711) or fixes an existing one, and
     * makes {@code volumes} in it. What cannot be fixed is reported, never forced: an entry that cannot be closed to
     * others keeps the directory closed to them too (servers on the process runtime then cannot reach their volumes,
     * which boot says).
     *
     * @throws BootException when the directory cannot be made or written
     */
    static Prepared prepare(Path dataDir) {
        Path volumes = dataDir.resolve(VOLUMES);
        List<String> changes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try {
            if (!Files.isDirectory(dataDir)) {
                createWithParents(dataDir);
                changes.add("created the data directory " + dataDir + " (mode 0711)");
            }
            if (!Files.isWritable(dataDir)) {
                throw new BootException("the data directory " + dataDir + " is not writable by this user");
            }
            List<String> open = closeEntriesToOthers(dataDir, changes);
            if (!Files.isDirectory(volumes)) {
                Files.createDirectory(volumes);
                Files.setPosixFilePermissions(volumes, PASSABLE);
            }
            setMode(volumes, changes, problems);
            Path sockets = dataDir.resolve(SOCKETS);
            if (Files.isDirectory(sockets, LinkOption.NOFOLLOW_LINKS)) {
                setMode(sockets, changes, problems);
            }
            if (open.isEmpty()) {
                setMode(dataDir, changes, problems);
            } else if (!Files.getPosixFilePermissions(dataDir).containsAll(OTHERS_PASS)) {
                problems.add("left " + dataDir + " closed to other users, because " + String.join("; ", open)
                        + ": fix the owner or mode of each (chmod o-rwx)");
            }
            return new Prepared(volumes, changes, problems);
        } catch (IOException e) {
            throw new BootException("cannot lay out the data directory " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static void createWithParents(Path dir) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            missing.addFirst(p);
        }
        for (Path p : missing) {
            Files.createDirectory(p);
            Files.setPosixFilePermissions(p, PASSABLE); // whatever the umask: the server user must pass
        }
    }

    /**
     * Removes the "other" bits of every entry but {@code volumes} and {@code sockets}; symbolic links are left alone (their mode is not used).
     *
     * @return why each entry still open to others could not be closed
     */
    private static List<String> closeEntriesToOthers(Path dataDir, List<String> changes) throws IOException {
        List<String> open = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dataDir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.equals(VOLUMES) || name.equals(SOCKETS) || Files.isSymbolicLink(entry)) {
                    continue;
                }
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(entry, LinkOption.NOFOLLOW_LINKS);
                if (perms.stream().noneMatch(OTHERS::contains)) {
                    continue;
                }
                Set<PosixFilePermission> closed = EnumSet.noneOf(PosixFilePermission.class);
                closed.addAll(perms);
                closed.removeAll(OTHERS);
                try {
                    Files.setPosixFilePermissions(entry, closed);
                } catch (IOException e) {
                    open.add(entry + " (" + octal(perms) + ") cannot be closed to them: " + e.getMessage());
                    continue;
                }
                changes.add("closed " + entry + " to other users (" + octal(perms) + " -> " + octal(closed) + ")");
            }
        }
        return open;
    }

    private static void setMode(Path dir, List<String> changes, List<String> problems) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
        if (perms.equals(PASSABLE)) {
            return;
        }
        try {
            Files.setPosixFilePermissions(dir, PASSABLE);
        } catch (IOException e) {
            problems.add("cannot set the mode of " + dir + " (" + octal(perms) + ") to 0711: " + e.getMessage());
            return;
        }
        changes.add("set the mode of " + dir + " from " + octal(perms) + " to 0711");
    }

    static String octal(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= 1 << (8 - p.ordinal());
        }
        return String.format("0%03o", mode);
    }
}
