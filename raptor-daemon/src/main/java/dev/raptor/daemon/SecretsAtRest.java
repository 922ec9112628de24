package dev.raptor.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The secrets raptord keeps or is given, checked at every boot before anything reads them, after
 * {@link DataDirLayout} closed the data directory's entries to other users:
 *
 * <ul>
 *   <li>the data directory must be raptord's user's own;</li>
 *   <li>the secrets in it ({@code api-key}, {@code token-secret}, {@code token-secret.previous}, the SFTP host key,
 *       the generated FTPS key store) must be regular files of raptord's user; a wider mode than 0600 is tightened
 *       to 0600;</li>
 *   <li>the TLS and FTPS keys it is given (anywhere, links followed, as certbot's {@code live/} names are links) must
 *       belong to raptord's user or root, and be neither readable by others nor writable by anyone but their owner:
 *       raptord tightens a key of its own, and refuses one it does not own (group read stays allowed, for keys
 *       shared through a group such as {@code ssl-cert}).</li>
 * </ul>
 *
 * What cannot be fixed stops boot naming the file, its owner and mode, and the command that fixes it.
 */
final class SecretsAtRest {
    /** The secrets raptord keeps in its data directory (those that exist are checked). */
    static final List<String> KEPT = List.of("api-key", "token-secret", "token-secret.previous", "sftp_host_ed25519_key", "ftps.p12");
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> NOT_FOR_OTHERS = EnumSet.of(PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.GROUP_WRITE);

    private SecretsAtRest() {
    }

    /**
     * Checks and tightens.
     *
     * @param given the keys the configuration names (the TLS key, the FTPS key), null entries skipped
     * @param uid   raptord's user
     * @return what was changed, one line each, for the boot log
     * @throws ConfigException naming every secret that cannot be used safely
     */
    static List<String> check(Path dataDir, List<Path> given, int uid) {
        List<String> changes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try {
            int owner = owner(dataDir, true);
            if (owner != uid) {
                problems.add("the data directory " + dataDir + " belongs to uid " + owner + ", not to raptord's user (uid " + uid
                        + "): another account could replace its secrets; chown -R " + uid + " " + dataDir);
            }
        } catch (IOException e) {
            problems.add("cannot check the owner of the data directory " + dataDir + ": " + e.getMessage());
        }
        for (String name : KEPT) {
            Path f = dataDir.resolve(name);
            if (Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
                kept(f, uid, changes, problems);
            }
        }
        for (Path f : given) {
            if (f != null) {
                givenKey(f, uid, changes, problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return changes;
    }

    private static void kept(Path f, int uid, List<String> changes, List<String> problems) {
        try {
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                problems.add(f + " must be a regular file, not a link or a directory: remove it (raptord makes it again)"
                        + " or put the file itself there");
                return;
            }
            int owner = owner(f, false);
            if (owner != uid) {
                problems.add(f + " belongs to uid " + owner + ", not to raptord's user (uid " + uid + "): that account could read or "
                        + "replace it; chown " + uid + " " + f);
                return;
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f, LinkOption.NOFOLLOW_LINKS);
            if (!OWNER_ONLY.containsAll(perms)) {
                Files.setPosixFilePermissions(f, OWNER_ONLY);
                changes.add("tightened the secret " + f + " from " + DataDirLayout.octal(perms) + " to 0600");
            }
        } catch (IOException | UnsupportedOperationException e) {
            problems.add("cannot check the secret " + f + ": " + e.getMessage());
        }
    }

    private static void givenKey(Path f, int uid, List<String> changes, List<String> problems) {
        try {
            int owner = owner(f, true);
            if (owner != uid && owner != 0) {
                problems.add("the key " + f + " belongs to uid " + owner + ", neither raptord's user (uid " + uid + ") nor root: that "
                        + "account could replace it; chown " + uid + " " + f);
                return;
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f);
            if (perms.stream().noneMatch(NOT_FOR_OTHERS::contains)) {
                return;
            }
            Set<PosixFilePermission> tight = EnumSet.noneOf(PosixFilePermission.class);
            tight.addAll(perms);
            tight.removeAll(NOT_FOR_OTHERS);
            if (owner != uid) {
                problems.add("the key " + f + " is " + DataDirLayout.octal(perms) + ": others may read or change it; chmod "
                        + DataDirLayout.octal(tight) + " " + f + " (it belongs to uid " + owner + ", so raptord does not change it)");
                return;
            }
            Files.setPosixFilePermissions(f, tight);
            changes.add("tightened the key " + f + " from " + DataDirLayout.octal(perms) + " to " + DataDirLayout.octal(tight));
        } catch (IOException | UnsupportedOperationException e) {
            problems.add("cannot check the key " + f + ": " + e.getMessage());
        }
    }

    private static int owner(Path p, boolean followLinks) throws IOException {
        return (Integer) (followLinks ? Files.getAttribute(p, "unix:uid") : Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS));
    }

    /** raptord's own uid. */
    static int ownUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot tell raptord's own uid from /proc/self: " + e.getMessage(), e);
        }
    }
}
