package dev.raptor.files;

import dev.raptor.files.jail.Fd;
import dev.raptor.files.jail.Jail;
import dev.raptor.files.jail.JailPath;
import dev.raptor.files.jail.Resolved;
import dev.raptor.files.jail.Session;
import dev.raptor.files.jail.Stat;
import dev.raptor.files.rules.AccessRules;
import dev.raptor.files.usage.ServerUsage;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * What every operation on one server's files shares: its jail, its rules, its quota ledger.
 */
record FilesContext(Jail jail, AccessRules rules, ServerUsage usage, long quota) {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Rules must pass on the path as asked and where links led. */
    void requireRead(Resolved r, boolean isDirectory) throws DeniedException {
        rules.requireRead(r.asked(), isDirectory);
        rules.requireRead(r.real(), isDirectory);
    }

    void requireWrite(Resolved r, boolean isDirectory) throws DeniedException {
        rules.requireWrite(r.asked(), isDirectory);
        rules.requireWrite(r.real(), isDirectory);
    }

    /**
     * A regular file with other hard links is read only when it belongs to the root's owner: a link to a file the
     * server's user could not read itself is never served (see {@link Jail}).
     */
    static void checkReadable(Session s, Stat st, String shown) throws DeniedException {
        if (st.isRegular() && st.nlink() > 1 && st.uid() != s.rootStat().uid()) {
            throw new DeniedException(shown, shown + " is a hard link to a file owned by someone else; Raptor does not read it");
        }
    }

    /** Changing a shared inode in place would change it under its other names, maybe outside the root. */
    static void checkChangeableInPlace(Stat st, String shown) throws DeniedException {
        if (st.isRegular() && st.nlink() > 1) {
            throw new DeniedException(shown, shown + " has other hard links; Raptor does not change a shared file in place");
        }
    }

    /**
     * A fresh temporary name in the same directory (hidden, recognisable, never a user's):
     * {@code .raptor-<kind>-<this run's id><random>}, 16 hex digits in all, so that {@link LeftoverCleanup} tells the
     * temporary files of an earlier run (a crash's leftovers) from those in use.
     */
    static byte[] tempName(String kind) {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return (".raptor-" + kind + "-" + LeftoverCleanup.RUN + HexFormat.of().formatHex(b))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The entry a listing shows for {@code name} in {@code dir}. */
    static FileEntry entry(Session s, Fd dir, byte[] name, Stat st, JailPath realPath) throws IOException {
        String n = JailPath.decode(name);
        FileType type = st.isRegular() ? FileType.FILE : st.isDirectory() ? FileType.DIRECTORY : st.isLink() ? FileType.SYMLINK : FileType.OTHER;
        String target = null;
        Boolean inside = null;
        if (st.isLink()) {
            try {
                target = JailPath.decode(s.readlink(dir, name, realPath.toString()));
                inside = s.linkStaysInside(realPath);
            } catch (FilesException e) {
                inside = false; // replaced since it was described
            }
        }
        return new FileEntry(n, type, st.size(), st.mode(), st.modified(), st.created(), Mime.of(n, st), target, inside);
    }
}
