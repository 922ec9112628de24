package dev.raptor.files;

import dev.raptor.files.jail.Fd;
import dev.raptor.files.jail.Jail;
import dev.raptor.files.jail.JailPath;
import dev.raptor.files.jail.Session;
import dev.raptor.files.jail.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes the temporary files and staging directories a crashed run left in the servers' volumes: an upload,
 * copy, archive or extraction writes under {@code .raptor-<kind>-<run><random>} and renames its output into place
 * at the end, so a run that dies mid-write leaves that name behind. Only names of Raptor's own kinds whose run id
 * is not this run's are removed, so work in flight is never touched and a user's own {@code .raptor-notes} stays.
 * Walks through the jail (links never followed), in the background: boot never waits for it.
 */
public final class LeftoverCleanup {
    private static final Logger log = LoggerFactory.getLogger(LeftoverCleanup.class);

    /** This run's id: the first 8 hex digits of every temporary name it makes. */
    static final String RUN = HexFormat.of().formatHex(new SecureRandom().generateSeed(4));

    private static final Pattern LEFTOVER = Pattern.compile("\\.raptor-(?:upload|copy|archive|extract)-([0-9a-f]{8})[0-9a-f]{8}");

    /** What one cleanup found. */
    public record Result(int servers, long removed, long bytes) {
    }

    private LeftoverCleanup() {
    }

    /** Whether {@code name} is a temporary file or staging directory of an earlier run. */
    static boolean isLeftover(String name) {
        Matcher m = LEFTOVER.matcher(name);
        return m.matches() && !m.group(1).equals(RUN);
    }

    /**
     * Cleans every server's volume under {@code volumesRoot} (one directory per server id), stopping early when
     * {@code stop} says so.
     *
     * @param cleaned told of each server where something was removed (the caller rescans its disk usage)
     */
    public static Result run(Path volumesRoot, BooleanSupplier stop, java.util.function.Consumer<UUID> cleaned) {
        int servers = 0;
        long removed = 0;
        long bytes = 0;
        if (!Files.isDirectory(volumesRoot, LinkOption.NOFOLLOW_LINKS)) {
            return new Result(0, 0, 0);
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(volumesRoot)) {
            for (Path dir : dirs) {
                if (stop.getAsBoolean()) {
                    break;
                }
                UUID id;
                try {
                    id = UUID.fromString(dir.getFileName().toString());
                } catch (IllegalArgumentException e) {
                    continue; // not a server's volume
                }
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                servers++;
                long[] counts = clean(dir, stop);
                removed += counts[0];
                bytes += counts[1];
                if (counts[0] > 0) {
                    log.atInfo().addKeyValue("server", id).addKeyValue("removed", counts[0]).addKeyValue("bytes", counts[1])
                            .log("removed temporary files an earlier run left behind");
                    cleaned.accept(id);
                }
            }
        } catch (IOException e) {
            log.atWarn().addKeyValue("volumes", volumesRoot).addKeyValue("error", e.toString())
                    .log("could not look for leftover temporary files");
        }
        return new Result(servers, removed, bytes);
    }

    /** Removes the leftovers beneath one server's root; answers {entries removed, bytes of regular files}. */
    static long[] clean(Path root, BooleanSupplier stop) {
        long[] counts = new long[2];
        Progress progress = Progress.none();
        try (Session s = new Jail(root).open()) {
            TreeWalk.walk(s, s.root(), JailPath.ROOT, new TreeWalk.Visitor() {
                @Override
                public boolean enter(Fd parent, byte[] name, JailPath path, Stat stat) throws IOException {
                    if (stop.getAsBoolean()) {
                        progress.cancel();
                    }
                    if (isLeftover(JailPath.decode(name))) {
                        long[] before = {0};
                        measure(s, parent, name, before);
                        TreeDelete.removeTree(s, parent, name, path.toString());
                        counts[0]++;
                        counts[1] += before[0];
                        return false;
                    }
                    return true;
                }

                @Override
                public void visit(Fd parent, byte[] name, JailPath path, Stat stat) throws IOException {
                    if (stat.isRegular() && isLeftover(JailPath.decode(name))) {
                        s.unlink(parent, name, false, path.toString());
                        counts[0]++;
                        counts[1] += stat.nlink() > 1 ? 0 : stat.size();
                    }
                }
            }, progress);
        } catch (CancelledException e) {
            // the daemon is shutting down: the next boot finishes the job
        } catch (IOException | RuntimeException e) {
            log.atWarn().addKeyValue("root", root).addKeyValue("error", e.toString()).log("cleaning leftover temporary files failed");
        }
        return counts;
    }

    /** Bytes of the regular files in a staging directory about to go (for the log). */
    private static void measure(Session s, Fd parent, byte[] name, long[] total) {
        try (Fd dir = s.openChildDirectoryPath(parent, name, "(leftover)")) {
            TreeWalk.walk(s, dir, JailPath.ROOT, new TreeWalk.Visitor() {
                @Override
                public boolean enter(Fd p, byte[] n, JailPath path, Stat stat) {
                    return true;
                }

                @Override
                public void visit(Fd p, byte[] n, JailPath path, Stat stat) {
                    if (stat.isRegular() && stat.nlink() <= 1) {
                        total[0] += stat.size();
                    }
                }
            }, Progress.none());
        } catch (IOException | RuntimeException e) {
            // only for the log
        }
    }
}
