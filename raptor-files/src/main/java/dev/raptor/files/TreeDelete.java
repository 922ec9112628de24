package dev.raptor.files;

import dev.raptor.files.jail.DirReader;
import dev.raptor.files.jail.Errno;
import dev.raptor.files.jail.Fd;
import dev.raptor.files.jail.JailPath;
import dev.raptor.files.jail.Resolved;
import dev.raptor.files.jail.Session;
import dev.raptor.files.jail.Stat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes paths, directories recursively, through descriptors: a directory's entries are removed with
 * {@code unlinkat} relative to the directory's own descriptor (opened {@code O_NOFOLLOW}), so a link is removed
 * as a link and a directory swapped for a link mid-delete is removed as a link, never walked into.
 */
final class TreeDelete {
    private long files;
    private long bytes;
    private final Session s;
    private final Progress progress;

    private TreeDelete(Session s, Progress progress) {
        this.s = s;
        this.progress = progress;
    }

    static DeleteResult delete(FilesContext ctx, List<String> paths, Progress progress) throws IOException {
        List<JailPath> asked = new ArrayList<>();
        for (String p : paths) {
            JailPath j = JailPath.of(p);
            if (j.isRoot()) {
                throw new BadPathException("/", "the server's root cannot be deleted (delete what is in it)");
            }
            asked.add(j);
        }
        List<Resolved> targets = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        try (Session s = ctx.jail().open()) {
            try {
                long[] totals = new long[2];
                for (JailPath p : asked) {
                    Resolved r = s.resolve(p, false);
                    if (!r.exists()) {
                        r.close();
                        absent.add(p.toString());
                        continue;
                    }
                    targets.add(r);
                    boolean dir = r.stat().isDirectory();
                    ctx.requireWrite(r, dir);
                    totals[1]++;
                    if (dir && !ctx.rules().isEmpty()) {
                        // Only rules make a pre-walk necessary (a protected path inside refuses the whole delete);
                        // without them, totals stay unknown rather than doubling the work on a huge tree.
                        try (Fd d = s.openDirectoryPath(r)) {
                            TreeWalk.walk(s, d, r.real(), new TreeWalk.Visitor() {
                                @Override
                                public boolean enter(Fd parent, byte[] name, JailPath path, Stat stat) throws IOException {
                                    ctx.rules().requireWrite(path, true);
                                    totals[1]++;
                                    return true;
                                }

                                @Override
                                public void visit(Fd parent, byte[] name, JailPath path, Stat stat) throws IOException {
                                    ctx.rules().requireWrite(path, false);
                                    totals[1]++;
                                    if (stat.isRegular()) {
                                        totals[0] += stat.size();
                                    }
                                }
                            }, progress);
                        }
                    } else if (r.stat().isRegular()) {
                        totals[0] += r.stat().size();
                    }
                }
                boolean walked = !ctx.rules().isEmpty() || targets.stream().noneMatch(t -> t.stat().isDirectory());
                progress.totals(walked ? totals[0] : -1, walked ? totals[1] : -1);
                TreeDelete d = new TreeDelete(s, progress);
                List<String> deleted = new ArrayList<>();
                try {
                    for (Resolved r : targets) {
                        d.remove(r.parent(), r.leaf(), r.stat(), r.asked().toString(), 0);
                        deleted.add(r.asked().toString());
                    }
                } finally {
                    ctx.usage().changed(-d.bytes);
                }
                progress.finish();
                return new DeleteResult(deleted, absent, d.files, d.bytes);
            } finally {
                targets.forEach(Resolved::close);
            }
        }
    }

    /** Removes everything beneath and including {@code name} in {@code parent}; used to clean up partial output too. */
    static void removeTree(Session s, Fd parent, byte[] name, String shown) throws IOException {
        removeTree(s, parent, name, shown, Progress.none());
    }

    /** As {@link #removeTree(Session, Fd, byte[], String)}, stopping at the next entry once {@code progress} is cancelled. */
    static void removeTree(Session s, Fd parent, byte[] name, String shown, Progress progress) throws IOException {
        Stat st = s.lstat(parent, name);
        if (st != null) {
            new TreeDelete(s, progress).remove(parent, name, st, shown, 0);
        }
    }

    private void remove(Fd parent, byte[] name, Stat st, String shown, int depth) throws IOException {
        progress.check(shown);
        if (st.isDirectory()) {
            if (depth >= TreeWalk.MAX_DEPTH) {
                throw new BadPathException(shown, shown + " is nested deeper than " + TreeWalk.MAX_DEPTH + " directories");
            }
            DirReader reader;
            try {
                reader = s.readDirectory(parent, name, shown);
            } catch (NotADirectoryException e) {
                unlinkEntry(parent, name, shown); // became something else since it was described: remove that
                return;
            } catch (NotFoundException e) {
                return;
            }
            try (reader) {
                while (reader.next()) {
                    byte[] child = reader.name();
                    Stat cs = s.lstat(reader.dir(), child);
                    if (cs != null) {
                        remove(reader.dir(), child, cs, shown, depth + 1);
                    }
                }
            }
            int r = s.tryUnlink(parent, name, true);
            if (r < 0 && -r != Errno.ENOENT) {
                throw Errno.toException(-r, "delete", shown);
            }
            files++;
            progress.addFile();
            return;
        }
        int r = s.tryUnlink(parent, name, false);
        if (r == -Errno.EISDIR) {
            Stat now = s.lstat(parent, name);
            if (now != null) {
                remove(parent, name, now, shown, depth); // became a directory: delete it as one
            }
            return;
        }
        if (r < 0 && -r != Errno.ENOENT) {
            throw Errno.toException(-r, "delete", shown);
        }
        if (r == 0) {
            files++;
            if (st.isRegular() && st.nlink() <= 1) {
                bytes += st.size();
                progress.addBytes(st.size());
            }
            progress.addFile();
        }
    }

    private void unlinkEntry(Fd parent, byte[] name, String shown) throws IOException {
        int r = s.tryUnlink(parent, name, false);
        if (r < 0 && -r != Errno.ENOENT) {
            throw Errno.toException(-r, "delete", shown);
        }
    }
}
