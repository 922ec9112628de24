package dev.raptor.files;

import dev.raptor.files.jail.DirReader;
import dev.raptor.files.jail.Fd;
import dev.raptor.files.jail.JailPath;
import dev.raptor.files.jail.Resolved;
import dev.raptor.files.jail.Session;
import dev.raptor.files.jail.Stat;
import dev.raptor.files.usage.Reservation;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies a file or a directory tree inside one server. The source is read through descriptors opened with
 * {@code O_NOFOLLOW} (a directory swapped for a link mid-copy is never walked into; its link is copied only if it
 * points inside from the new place), the copy is built under a temporary name in the target's directory and
 * renamed into place at the end, so it appears whole or not at all. Its size is reserved in the quota before
 * the first byte is written.
 */
final class TreeCopy {
    private static final long CHUNK = 8L * 1024 * 1024;

    private final FilesContext ctx;
    private final Session s;
    private final Progress progress;
    private final Reservation reservation;
    private final List<String> skipped = new ArrayList<>();
    private long bytes;
    private long files;

    private TreeCopy(FilesContext ctx, Session s, Progress progress, Reservation reservation) {
        this.ctx = ctx;
        this.s = s;
        this.progress = progress;
        this.reservation = reservation;
    }

    static CopyResult copy(FilesContext ctx, String path, String to, Progress progress) throws IOException {
        JailPath src = JailPath.of(path);
        if (src.isRoot()) {
            throw new BadPathException("/", "the server's root cannot be copied; copy what is in it");
        }
        try (Session s = ctx.jail().open(); Resolved from = s.resolve(src, true)) {
            ServerFiles.requireExists(from);
            Stat st = from.stat();
            if (st.isSpecial()) {
                throw new NotAFileException(src.toString(), src + " is a " + st.kind() + " and cannot be copied");
            }
            boolean dir = st.isDirectory();
            ctx.requireRead(from, dir);
            FilesContext.checkReadable(s, st, src.toString());
            JailPath dest = to == null || to.isEmpty() ? defaultName(s, src, dir) : JailPath.of(to).requireCreatableName();
            ctx.rules().requireWrite(dest, dir);
            try (Resolved target = s.resolveCreatingParents(dest, real -> ctx.rules().requireWrite(real, true))) {
                if (target.exists()) {
                    throw new ConflictException(dest.toString(), dest + " already exists");
                }
                ctx.requireWrite(target, dir);
                if (dir && (target.real().isWithin(from.real()))) {
                    throw new ConflictException(dest.toString(), "cannot copy " + src + " into itself");
                }
                long[] planned = {st.isRegular() ? st.size() : 0, 1};
                if (dir) {
                    plan(ctx, s, from, target.real(), planned, progress);
                }
                progress.totals(planned[0], planned[1]);
                try (Reservation r = ctx.usage().reserve(planned[0], ctx.quota(), dest.toString())) {
                    TreeCopy c = new TreeCopy(ctx, s, progress, r);
                    byte[] temp = FilesContext.tempName("copy");
                    try {
                        if (dir) {
                            c.copyDirectory(from, target.parent(), temp, target.real(), dest.toString());
                        } else {
                            c.copyFile(from.parent(), from.leaf(), target.parent(), temp, dest.toString());
                        }
                        s.rename(target.parent(), temp, target.parent(), target.leaf(), true, dest.toString());
                    } catch (IOException | RuntimeException e) {
                        try {
                            TreeDelete.removeTree(s, target.parent(), temp, dest.toString());
                        } catch (IOException | RuntimeException cleanup) {
                            e.addSuppressed(cleanup);
                        }
                        throw e;
                    }
                    r.commit(c.bytes);
                    progress.finish();
                    return new CopyResult(src.toString(), dest.toString(), c.bytes, c.files, c.skipped);
                }
            }
        }
    }

    /** Sizes the copy and checks that every path it would create may be written. */
    private static void plan(FilesContext ctx, Session s, Resolved from, JailPath destReal, long[] planned, Progress progress) throws IOException {
        try (Fd d = s.openDirectoryPath(from)) {
            TreeWalk.walk(s, d, from.real(), new TreeWalk.Visitor() {
                @Override
                public boolean enter(Fd parent, byte[] name, JailPath path, Stat stat) throws IOException {
                    if (ctx.rules().hides(path, true)) {
                        return false;
                    }
                    ctx.rules().requireWrite(destReal.resolve(path.relativeTo(from.real())), true);
                    planned[1]++;
                    return true;
                }

                @Override
                public void visit(Fd parent, byte[] name, JailPath path, Stat stat) throws IOException {
                    if (ctx.rules().hides(path, false)) {
                        return;
                    }
                    ctx.rules().requireWrite(destReal.resolve(path.relativeTo(from.real())), false);
                    planned[1]++;
                    if (stat.isRegular()) {
                        planned[0] += stat.size();
                    }
                }
            }, progress);
        }
    }

    /** {@code name copy.ext}, then {@code name copy 2.ext}... next to the source ({@code .tar.gz} stays whole). */
    static JailPath defaultName(Session s, JailPath src, boolean dir) throws IOException {
        String name = src.name();
        String stem = name;
        String ext = "";
        int dot = name.lastIndexOf('.');
        if (!dir && dot > 0) {
            stem = name.substring(0, dot);
            ext = name.substring(dot);
            if (stem.endsWith(".tar") && stem.length() > 4) {
                stem = stem.substring(0, stem.length() - 4);
                ext = ".tar" + ext;
            }
        }
        for (int i = 1; i <= 1000; i++) {
            String candidate = i == 1 ? stem + " copy" + ext : stem + " copy " + i + ext;
            JailPath p = src.parent().child(candidate);
            try (Resolved r = s.resolve(p, false)) {
                if (!r.exists()) {
                    return p;
                }
            }
        }
        throw new ConflictException(src.toString(), "there are already 1000 copies of " + src);
    }

    private void copyFile(Fd fromDir, byte[] fromName, Fd toDir, byte[] toName, String shown) throws IOException {
        int[] mode = {0644};
        try (FileChannel in = s.openRegular(fromDir, fromName, shown, st -> {
            FilesContext.checkReadable(s, st, shown);
            mode[0] = st.mode() & 0777;
        }, StandardOpenOption.READ); Fd out = s.createExclusive(toDir, toName, mode[0] | 0600, shown)) {
            s.fchmod(out, mode[0], shown);
            try (FileChannel oc = s.reopen(out, StandardOpenOption.WRITE)) {
                long pos = 0;
                while (true) {
                    progress.check(shown);
                    long chunk = Math.min(CHUNK, Math.max(in.size() - pos, 0));
                    if (chunk == 0) {
                        break;
                    }
                    reservation.ensure(bytes + chunk);
                    long n = in.transferTo(pos, chunk, oc);
                    if (n <= 0) {
                        break;
                    }
                    pos += n;
                    bytes += n;
                    progress.addBytes(n);
                }
            }
        }
        files++;
        progress.addFile();
    }

    private void copyDirectory(Resolved from, Fd toParent, byte[] toName, JailPath destReal, String shown) throws IOException {
        s.mkdir(toParent, toName, 0700, shown);
        try (Fd src = s.openDirectoryPath(from); Fd dst = s.openChildDirectoryPath(toParent, toName, shown)) {
            copyInto(src, dst, from.real(), destReal, shown, 0);
            s.chmod(dst, from.stat().mode() & 0777, shown);
        }
    }

    private void copyInto(Fd src, Fd dst, JailPath srcPath, JailPath dstPath, String shown, int depth) throws IOException {
        if (depth >= TreeWalk.MAX_DEPTH) {
            throw new BadPathException(shown, srcPath + " is nested deeper than " + TreeWalk.MAX_DEPTH + " directories");
        }
        try (DirReader reader = s.readDirectory(src, null, srcPath.toString())) {
            while (reader.next()) {
                progress.check(shown);
                byte[] name = reader.name();
                Stat st = s.lstat(reader.dir(), name);
                if (st == null) {
                    continue;
                }
                String n = JailPath.decode(name);
                JailPath childSrc = srcPath.child(n);
                JailPath childDst = dstPath.child(n);
                if (ctx.rules().hides(childSrc, st.isDirectory())) {
                    skipped.add(childSrc.toString());
                    continue;
                }
                if (st.isDirectory()) {
                    Fd sub;
                    try {
                        sub = s.openChildDirectoryPath(reader.dir(), name, childSrc.toString());
                    } catch (NotADirectoryException | NotAFileException | NotFoundException e) {
                        skipped.add(childSrc.toString()); // swapped for a link (or removed) since it was described
                        continue;
                    }
                    try (sub) {
                        s.mkdir(dst, name, 0700, shown);
                        try (Fd out = s.openChildDirectoryPath(dst, name, shown)) {
                            copyInto(sub, out, childSrc, childDst, shown, depth + 1);
                            s.chmod(out, st.mode() & 0777, shown);
                        }
                    }
                } else if (st.isRegular()) {
                    try {
                        copyFile(reader.dir(), name, dst, name, shown);
                    } catch (NotAFileException | NotFoundException e) {
                        skipped.add(childSrc.toString()); // swapped for a link or a FIFO since it was described
                    }
                } else if (st.isLink()) {
                    byte[] target = s.readlink(reader.dir(), name, childSrc.toString());
                    if (staysInside(childDst, target)) {
                        s.symlink(target, dst, name, shown);
                    } else {
                        skipped.add(childSrc.toString());
                    }
                } else {
                    skipped.add(childSrc.toString());
                }
            }
        }
    }

    /** Whether a link placed at {@code linkPath} with {@code target} points inside the root (read lexically). */
    static boolean staysInside(JailPath linkPath, byte[] target) {
        String t = new String(target, StandardCharsets.UTF_8);
        if (t.isEmpty() || t.startsWith("/")) {
            return false;
        }
        try {
            JailPath.of(linkPath.parent() + "/" + t);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
