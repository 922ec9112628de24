package dev.raptor.process;

import dev.raptor.core.runtime.Deadline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Iterator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Makes a server's data directory usable by the user the server runs as, and by nobody else: it exists, it
 * (and, when the container is created, everything in it) belongs to that user (symbolic links are changed
 * themselves, never followed), it is that user's alone (mode 0700), and every directory above it lets that
 * user pass. Only a root daemon changes owners; it never changes the directories above (the daemon lays
 * out its data directory so that they let the server user pass, see its {@code DataDirLayout}).
 */
final class ServerDataDir {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private ServerDataDir() {
    }

    /** Why the server user could not use {@code dir}. */
    static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }

    /**
     * @param everything whether to hand over the whole tree (at create) or the directory itself only (at each
     *                   start, so that a big world is not walked every time)
     */
    static void prepare(Path dir, ServerUser user, boolean everything, Deadline deadline) throws IOException, Unusable {
        Files.createDirectories(dir);
        if (user.dropsPrivileges()) {
            chown(dir, user, everything, deadline);
        }
        if (!Files.getPosixFilePermissions(dir).equals(OWNER_ONLY)) {
            Files.setPosixFilePermissions(dir, OWNER_ONLY);
        }
        String blocked = unreachable(dir.toAbsolutePath().getParent(), "its data directory " + dir, user);
        if (blocked != null) {
            throw new Unusable(blocked);
        }
    }

    /**
     * Why {@code user} cannot pass through {@code dir} and every directory above it on the way to {@code what}
     * (the first that does not let it), or null when it can.
     */
    static String unreachable(Path dir, String what, ServerUser user) throws IOException {
        Path blocked = firstUnsearchable(dir, user);
        return blocked == null ? null : "the server user " + user.name() + " cannot reach " + what + ": " + blocked
                + " does not let it pass (mode " + mode(blocked) + "); allow others to search it (chmod o+x) or move the data directory";
    }

    private static void chown(Path dir, ServerUser user, boolean everything, Deadline deadline) throws IOException {
        try (Stream<Path> walk = everything ? Files.walk(dir) : Stream.of(dir)) {
            Iterator<Path> it = walk.iterator();
            while (it.hasNext()) {
                if (deadline.expired()) {
                    throw new IOException("handing " + dir + " over to " + user.name() + " took longer than the deadline");
                }
                Path p = it.next();
                int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                int gid = (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
                if (uid != user.uid()) {
                    Files.setAttribute(p, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
                }
                if (gid != user.gid()) {
                    Files.setAttribute(p, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }

    /** The first of {@code dir} and the directories above it that the user may not search (x), or null. */
    private static Path firstUnsearchable(Path dir, ServerUser user) throws IOException {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            int uid = (Integer) Files.getAttribute(p, "unix:uid");
            int gid = (Integer) Files.getAttribute(p, "unix:gid");
            boolean ok = uid == user.uid() ? perms.contains(PosixFilePermission.OWNER_EXECUTE)
                    : gid == user.gid() ? perms.contains(PosixFilePermission.GROUP_EXECUTE)
                    : perms.contains(PosixFilePermission.OTHERS_EXECUTE);
            if (user.uid() == 0) {
                ok = true;
            }
            if (!ok) {
                return p;
            }
        }
        return null;
    }

    private static String mode(Path p) {
        try {
            return Integer.toOctalString((Integer) Files.getAttribute(p, "unix:mode") & 07777);
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
