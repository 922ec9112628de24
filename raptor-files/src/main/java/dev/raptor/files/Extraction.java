package dev.raptor.files;

import dev.raptor.files.archive.ArchiveEntry;
import dev.raptor.files.archive.ArchiveFormat;
import dev.raptor.files.archive.ArchiveSniffer;
import dev.raptor.files.archive.ArchiveSource;
import dev.raptor.files.archive.EntryReader;
import dev.raptor.files.archive.ExtractOptions;
import dev.raptor.files.jail.DirReader;
import dev.raptor.files.jail.Fd;
import dev.raptor.files.jail.JailPath;
import dev.raptor.files.jail.Resolved;
import dev.raptor.files.jail.Session;
import dev.raptor.files.jail.Stat;
import dev.raptor.files.usage.Reservation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Extracts an archive into a directory of one server, in four steps, so nothing is written unless all of it
 * may be and a failure leaves the destination as it was:
 * <ol>
 *   <li><b>plan</b>: read every entry's header and refuse the archive when one cannot be extracted safely: a
 *       name that climbs out of the destination (zip-slip), a link to an absolute path or out of the root, an
 *       entry inside a link or a file of the archive, a hard link to something that is not an earlier file,
 *       a path the deny rules protect; sum the sizes and reserve them in the quota;</li>
 *   <li><b>stage</b>: read the archive again (checking every entry again: the file may have changed) into a fresh
 *       directory beside the destination, walking it without following any link, counting the bytes really
 *       written (an entry larger than it claims, or a stream past the quota, stops the extraction); files up to
 *       {@link FileWriters#SMALL_FILE_BYTES} are read whole and handed to {@link FileWriters} threads, which
 *       create and write them while this thread reads on;</li>
 *   <li><b>check</b>: walk the staged tree against the destination: a staged directory where a file exists (or
 *       the reverse) refuses the whole extraction;</li>
 *   <li><b>merge</b>: rename staged entries into place (files replace files), remove the staging directory.</li>
 * </ol>
 * {@link ExtractOptions} say whether modes and times are kept exactly (a restore) and whether the archive's entry
 * replaces a directory or file of the other kind (a restore) instead of refusing the extraction.
 */
final class Extraction {
    /** Files this large have their writeback started as soon as they are written; smaller ones wait for a flush. */
    private static final long WRITEBACK_FROM_BYTES = 1024 * 1024;

    private final FilesContext ctx;
    private final Session s;
    private final Progress progress;
    private final JailPath destAsked;
    private final JailPath destReal;
    private final ExtractOptions options;

    private Extraction(FilesContext ctx, Session s, Progress progress, JailPath destAsked, JailPath destReal, ExtractOptions options) {
        this.options = options;
        this.ctx = ctx;
        this.s = s;
        this.progress = progress;
        this.destAsked = destAsked;
        this.destReal = destReal;
    }

    static ExtractResult fromFile(FilesContext ctx, String archive, String destination, Progress progress) throws IOException {
        JailPath a = JailPath.of(archive);
        try (Session s = ctx.jail().open(); Resolved r = s.resolve(a, true)) {
            ServerFiles.requireExists(r);
            ServerFiles.requireRegular(r);
            ctx.requireRead(r, false);
            try (Fd pinned = s.openPath(r)) {
                Stat st = s.fstat(pinned);
                if (!st.isRegular()) {
                    throw new NotAFileException(a.toString(), a + " is a " + st.kind());
                }
                FilesContext.checkReadable(s, st, a.toString());
                String name = JailPath.decode(r.leaf());
                ArchiveSource source = new ArchiveSource() {
                    @Override
                    public String name() {
                        return name;
                    }

                    @Override
                    public SeekableByteChannel open() throws IOException {
                        return s.reopen(pinned, StandardOpenOption.READ);
                    }
                };
                return run(ctx, s, source, destination, ExtractOptions.DEFAULTS, progress);
            }
        }
    }

    static ExtractResult fromSource(FilesContext ctx, ArchiveSource source, String destination, ExtractOptions options,
                                    Progress progress) throws IOException {
        try (Session s = ctx.jail().open()) {
            return run(ctx, s, source, destination, options, progress);
        }
    }

    private static ExtractResult run(FilesContext ctx, Session s, ArchiveSource source, String destination,
                                     ExtractOptions options, Progress progress) throws IOException {
        JailPath dest = JailPath.of(destination);
        ArchiveFormat format;
        try (SeekableByteChannel ch = source.open()) {
            format = ArchiveSniffer.detect(ch, source.name());
        }
        ctx.rules().requireWrite(dest, true);
        Destination made = destinationDirectory(ctx, s, dest);
        try (Resolved d = made.dir()) {
            try {
                return extract(ctx, s, source, format, dest, d, options, progress);
            } catch (IOException | RuntimeException e) {
                if (made.madeNow() && !d.isRoot()) {
                    try {
                        s.tryUnlink(d.parent(), d.leaf(), true); // refused or failed: a destination made for it goes (when empty)
                    } catch (IOException | RuntimeException cleanup) {
                        e.addSuppressed(cleanup);
                    }
                }
                throw e;
            }
        }
    }

    /** The destination directory, and whether this extraction made it. */
    private record Destination(Resolved dir, boolean madeNow) {
    }

    private static ExtractResult extract(FilesContext ctx, Session s, ArchiveSource source, ArchiveFormat format, JailPath dest,
                                         Resolved d, ExtractOptions options, Progress progress) throws IOException {
        {
            ctx.requireWrite(d, true);
            Extraction x = new Extraction(ctx, s, progress, dest, d.real(), options);
            Plan plan = options.checkFirst() ? x.plan(format, source) : new Plan();
            if (options.checkFirst()) {
                progress.totals(plan.bytes, plan.entries);
            }
            try (Reservation reservation = ctx.usage().reserve(plan.bytes, ctx.quota(), dest.toString());
                 Fd destFd = s.openDirectoryPath(d)) {
                byte[] staging = FilesContext.tempName("extract");
                s.mkdir(destFd, staging, 0700, dest.toString());
                try {
                    Staged staged;
                    try (Fd stagingFd = s.openChildDirectoryPath(destFd, staging, dest.toString())) {
                        staged = x.stage(format, source, stagingFd, reservation);
                        List<String> conflicts = new ArrayList<>();
                        x.merge(stagingFd, destFd, dest, true, conflicts, new long[1]);
                        if (!conflicts.isEmpty() && !options.archiveWins()) {
                            throw new ConflictException(conflicts.getFirst(), "cannot extract into " + dest + ": "
                                    + conflicts.getFirst() + (conflicts.size() > 1 ? " (and " + (conflicts.size() - 1) + " more)" : "")
                                    + " would replace a directory with a file or a file with a directory");
                        }
                        long[] replaced = new long[1];
                        x.merge(stagingFd, destFd, dest, false, new ArrayList<>(), replaced);
                        reservation.commit(staged.bytes - replaced[0]);
                    }
                    progress.finish();
                    return new ExtractResult(dest.toString(), format, staged.files, staged.directories, staged.links,
                            staged.bytes, staged.skipped);
                } finally {
                    TreeDelete.removeTree(s, destFd, staging, dest.toString());
                }
            }
        }
    }

    private static Destination destinationDirectory(FilesContext ctx, Session s, JailPath dest) throws IOException {
        Resolved d;
        boolean madeNow = false;
        try {
            d = s.resolve(dest, true);
        } catch (NotFoundException e) {
            d = s.resolveCreatingParents(dest, real -> ctx.rules().requireWrite(real, true));
        }
        if (!d.exists()) {
            try {
                dest.requireCreatableName();
                ctx.requireWrite(d, true);
                s.mkdir(d.parent(), d.leaf(), 0755, dest.toString());
                Resolved made = d.withStat(s.lstat(d.parent(), d.leaf()));
                d = made;
                madeNow = true;
            } catch (IOException | RuntimeException e) {
                d.close();
                throw e;
            }
        }
        if (!d.stat().isDirectory()) {
            d.close();
            throw new NotADirectoryException(dest.toString(), dest + " is not a directory");
        }
        return new Destination(d, madeNow);
    }

    // ------------------------------------------------------------------ plan

    /** What the archive holds, checked. */
    private static final class Plan {
        long bytes;
        long entries;
        final List<String> skipped = new ArrayList<>();
        final Set<JailPath> files = new HashSet<>();
        final Set<JailPath> nonDirectories = new HashSet<>();
    }

    /** An entry that may be extracted, at {@code path} relative to the destination. */
    private record Checked(ArchiveEntry entry, JailPath path, JailPath linkTo) {
    }

    private Plan plan(ArchiveFormat format, ArchiveSource source) throws IOException {
        Plan plan = new Plan();
        try (EntryReader reader = open(format, source)) {
            ArchiveEntry e;
            while ((e = next(reader, source)) != null) {
                progress.check(destAsked.toString());
                Checked c = check(e, plan);
                if (c == null) {
                    continue;
                }
                plan.entries++;
                plan.bytes += Math.max(0, e.size());
            }
        }
        return plan;
    }

    /** Checks one entry against the plan so far (and adds it); null when it is skipped. */
    private Checked check(ArchiveEntry e, Plan plan) throws IOException {
        JailPath rel = entryPath(e.name());
        if (rel.isRoot()) {
            return null; // "./" and the like: the destination itself
        }
        for (int i = 1; i < rel.parts().size(); i++) {
            JailPath prefix = new JailPath(rel.parts().subList(0, i));
            if (plan.nonDirectories.contains(prefix)) {
                throw new BadArchiveException(e.name(), "archive entry " + shown(e) + " lies inside " + prefix
                        + ", which the archive makes a file or a link");
            }
        }
        if (options.keeps(rel)) {
            plan.skipped.add(rel.toString());
            return null;
        }
        boolean dir = e.kind() == ArchiveEntry.Kind.DIRECTORY;
        ctx.rules().requireWrite(destAsked.resolve(rel), dir);
        ctx.rules().requireWrite(destReal.resolve(rel), dir);
        JailPath linkTo = null;
        switch (e.kind()) {
            case OTHER -> {
                plan.skipped.add(rel.toString());
                return null;
            }
            case SYMLINK -> {
                String t = e.linkTarget();
                if (t == null || t.isEmpty() || t.indexOf('\0') >= 0) {
                    throw new BadArchiveException(e.name(), "archive entry " + shown(e) + " is a link without a target");
                }
                if (t.startsWith("/")) {
                    throw new PathOutsideRootException(e.name(), "archive entry " + shown(e) + " is a link to an absolute path, outside the server");
                }
                if (!TreeCopy.staysInside(destReal.resolve(rel), t.getBytes(StandardCharsets.UTF_8))) {
                    throw new PathOutsideRootException(e.name(), "archive entry " + shown(e) + " is a link pointing outside the server's root");
                }
                plan.nonDirectories.add(rel);
            }
            case HARDLINK -> {
                linkTo = entryPath(e.linkTarget() == null ? "" : e.linkTarget());
                if (!plan.files.contains(linkTo)) {
                    throw new BadArchiveException(e.name(), "archive entry " + shown(e) + " is a hard link to "
                            + JailPath.printable(String.valueOf(e.linkTarget())) + ", which is not a file earlier in the archive");
                }
                plan.nonDirectories.add(rel);
            }
            case FILE -> {
                plan.files.add(rel);
                plan.nonDirectories.add(rel);
            }
            case DIRECTORY -> plan.nonDirectories.remove(rel);
        }
        return new Checked(e, rel, linkTo);
    }

    /** An entry's name as a path beneath the destination; a name that climbs out is refused. */
    private JailPath entryPath(String name) throws IOException {
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/", -1)) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw new PathOutsideRootException(name, "archive entry " + JailPath.printable(name) + " leads outside the destination");
                }
                parts.removeLast();
                continue;
            }
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                if (c < 0x20 || c == 0x7f) {
                    throw new BadPathException(name, "archive entry " + JailPath.printable(name) + " has a control character in its name");
                }
            }
            if (part.getBytes(StandardCharsets.UTF_8).length > JailPath.MAX_NAME_BYTES) {
                throw new BadPathException(name, "archive entry " + JailPath.printable(name) + " has a name longer than 255 bytes");
            }
            parts.add(part);
        }
        return new JailPath(parts);
    }

    private static String shown(ArchiveEntry e) {
        return JailPath.printable(e.name());
    }

    private static EntryReader open(ArchiveFormat format, ArchiveSource source) throws IOException {
        try {
            return EntryReader.open(format, source.open(), source.name());
        } catch (FilesException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new BadArchiveException(source.name(), source.name() + " cannot be read as " + format.extension() + ": " + e.getMessage());
        }
    }

    private static ArchiveEntry next(EntryReader reader, ArchiveSource source) throws IOException {
        try {
            return reader.next();
        } catch (FilesException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new BadArchiveException(source.name(), source.name() + " is corrupt: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ stage

    private static final class Staged {
        final List<String> skipped = new ArrayList<>();
        long files;
        long directories;
        long links;
        long bytes;
    }

    private Staged stage(ArchiveFormat format, ArchiveSource source, Fd staging, Reservation reservation) throws IOException {
        Staged out = new Staged();
        Plan again = new Plan();
        Map<JailPath, Integer> directoryModes = new HashMap<>();
        Map<JailPath, Instant> directoryTimes = new HashMap<>();
        byte[] buf = new byte[1024 * 1024]; // one write per read-ahead chunk
        FileWriters writers = new FileWriters(ctx.jail(), progress, FileWriters.threadsFor(Runtime.getRuntime().availableProcessors()));
        StagedDirectories dirs = new StagedDirectories(staging, writers);
        // The staging directory was made empty for this extraction, so a name in it is taken only if this loop
        // made it (an entry, or a parent directory made for one): only such a name is looked up before it is
        // created, which saves a failing lstat per entry (6,500 of them for a 1 GiB game server's tree).
        Set<JailPath> made = new HashSet<>();
        try (EntryReader reader = open(format, source)) {
            ArchiveEntry e;
            while ((e = next(reader, source)) != null) {
                progress.check(destAsked.toString());
                Checked c = check(e, again);
                if (c == null) {
                    continue;
                }
                JailPath rel = c.path();
                if (writers.isHanded(rel) || e.kind() == ArchiveEntry.Kind.HARDLINK) {
                    writers.drain(); // what this entry replaces or links to must be there first
                }
                String shownPath = destAsked.resolve(rel).toString();
                Fd parent = dirs.parentOf(rel, e);
                boolean taken = !made.add(rel);
                JailPath up = rel.parent(); // parentOf made (or found) every directory above rel
                while (!up.isRoot() && made.add(up)) {
                    up = up.parent();
                }
                byte[] leaf = rel.name().getBytes(StandardCharsets.UTF_8);
                switch (e.kind()) {
                    case DIRECTORY -> {
                        Stat st = taken ? s.lstat(parent, leaf) : null;
                        if (st == null) {
                            s.mkdir(parent, leaf, 0700, shownPath);
                        } else if (!st.isDirectory()) {
                            replaceable(parent, leaf, st, e);
                            s.mkdir(parent, leaf, 0700, shownPath);
                        }
                        directoryModes.put(rel, directoryMode(e));
                        if (options.faithful() && e.modified() != null) {
                            directoryTimes.put(rel, e.modified());
                        }
                        out.directories++;
                    }
                    case FILE -> {
                        clear(parent, leaf, taken, e);
                        int mode = fileMode(e);
                        if (e.size() >= 0 && e.size() <= FileWriters.SMALL_FILE_BYTES) {
                            byte[] content = readSmall(reader, e, reservation, out, source);
                            writers.submit(new FileWriters.Job(parent, leaf, rel, shownPath, content, mode, e.modified()));
                        } else {
                            writeLarge(reader, e, parent, leaf, shownPath, mode, buf, reservation, out, source);
                            progress.addFile();
                        }
                        out.files++;
                    }
                    case SYMLINK -> {
                        clear(parent, leaf, taken, e);
                        s.symlink(e.linkTarget().getBytes(StandardCharsets.UTF_8), parent, leaf, shownPath);
                        if (options.faithful() && e.modified() != null) {
                            s.setLinkModified(parent, leaf, e.modified(), shownPath);
                        }
                        out.links++;
                    }
                    case HARDLINK -> {
                        clear(parent, leaf, taken, e);
                        try (Fd targetDir = stagedParent(staging, c.linkTo(), e)) {
                            byte[] targetLeaf = c.linkTo().name().getBytes(StandardCharsets.UTF_8);
                            Stat t = s.lstat(targetDir, targetLeaf);
                            if (t == null || !t.isRegular()) {
                                throw new BadArchiveException(e.name(), "archive entry " + shown(e) + " is a hard link to something that is not a file");
                            }
                            s.hardLink(targetDir, targetLeaf, parent, leaf, shownPath);
                        }
                        out.links++;
                    }
                    case OTHER -> {
                    }
                }
            }
            writers.drain();
        } finally {
            writers.close(); // every writer has ended (what was queued after a failure is dropped) ...
            dirs.close(); // ... before the directories they wrote into are let go
        }
        out.skipped.addAll(again.skipped);
        for (Map.Entry<JailPath, Integer> d : directoryModes.entrySet()) {
            try (Fd parent = stagedParent(staging, d.getKey(), null);
                 Fd dir = s.openChildDirectoryPath(parent, d.getKey().name().getBytes(StandardCharsets.UTF_8), d.getKey().toString())) {
                s.chmod(dir, d.getValue(), d.getKey().toString());
            }
        }
        // Deepest first: stamping a directory is final only once nothing is created inside it any more.
        List<Map.Entry<JailPath, Instant>> stamps = new ArrayList<>(directoryTimes.entrySet());
        stamps.sort((a, b) -> Integer.compare(b.getKey().parts().size(), a.getKey().parts().size()));
        for (Map.Entry<JailPath, Instant> d : stamps) {
            try (Fd parent = stagedParent(staging, d.getKey(), null);
                 Fd dir = s.openChildDirectoryPath(parent, d.getKey().name().getBytes(StandardCharsets.UTF_8), d.getKey().toString())) {
                s.setModified(dir, d.getValue(), d.getKey().toString());
            }
        }
        return out;
    }

    /**
     * The staged directories entries were last written into, kept open: consecutive entries of a tar mostly share
     * their directory, and a file handed to a {@link FileWriters writer} needs its parent open until it is written.
     * At most {@link #KEPT} are kept; beyond that the writers are drained and all are closed.
     */
    private final class StagedDirectories {
        private static final int KEPT = 256;

        private final Fd staging;
        private final FileWriters writers;
        private final Map<JailPath, Fd> open = new HashMap<>();

        StagedDirectories(Fd staging, FileWriters writers) {
            this.staging = staging;
            this.writers = writers;
        }

        /** The staged directory that will hold {@code rel}, created as needed (see {@link #stagedParent}). */
        Fd parentOf(JailPath rel, ArchiveEntry e) throws IOException {
            JailPath dir = rel.parent();
            Fd fd = open.get(dir);
            if (fd != null) {
                return fd;
            }
            if (open.size() >= KEPT) {
                writers.drain(); // no writer may still use one of them
                closeAll();
            }
            fd = stagedParent(staging, rel, e);
            open.put(dir, fd);
            return fd;
        }

        private void closeAll() {
            open.values().forEach(Fd::close);
            open.clear();
        }

        /** Only once the writers are closed: none uses them any more. */
        void close() {
            closeAll();
        }
    }

    /** A small file's content, whole, counted as it arrives (see {@link #copy}). */
    private byte[] readSmall(EntryReader reader, ArchiveEntry e, Reservation reservation, Staged out, ArchiveSource source) throws IOException {
        byte[] content = new byte[(int) e.size()];
        InputStream in = reader.content();
        int got = 0;
        while (true) {
            progress.check(destAsked.toString());
            int n;
            try {
                n = got < content.length ? in.read(content, got, content.length - got) : in.read(new byte[1]);
            } catch (IOException e2) {
                throw new BadArchiveException(source.name(), source.name() + " is corrupt in entry " + shown(e) + ": " + e2.getMessage());
            }
            if (n < 0) {
                break;
            }
            if (got == content.length) {
                throw new BadArchiveException(e.name(), "archive entry " + shown(e) + " is larger than the archive says");
            }
            reservation.ensure(out.bytes + n);
            got += n;
            out.bytes += n;
            progress.addBytes(n);
        }
        if (got < content.length) {
            throw new BadArchiveException(e.name(), "archive entry " + shown(e) + " is shorter than it claims");
        }
        return content;
    }

    /** A file too large to hold whole, written on this thread as it streams out of the archive. */
    private void writeLarge(EntryReader reader, ArchiveEntry e, Fd parent, byte[] leaf, String shownPath, int mode, byte[] buf,
                            Reservation reservation, Staged out, ArchiveSource source) throws IOException {
        try (Fd fd = s.createExclusive(parent, leaf, 0600, shownPath)) {
            long n = copy(reader, e, fd, shownPath, buf, reservation, out, source);
            if (n >= WRITEBACK_FROM_BYTES) {
                // Its pages head for the disk now, beside the rest of the extraction, instead of
                // all at a restore's flush (or in the kernel's own time, 30 s later).
                s.startWriteback(fd);
            }
            s.fchmod(fd, mode, shownPath);
            if (e.modified() != null) {
                s.setOpenFileModified(fd, e.modified(), shownPath);
            }
            if (n < 0) {
                throw new BadArchiveException(e.name(), "archive entry " + shown(e) + " is shorter than it claims");
            }
        }
    }

    /** Without {@code faithful} the owner keeps read and write, so what a user extracted stays theirs to edit. */
    private int fileMode(ArchiveEntry e) {
        if (options.faithful()) {
            return e.mode() & 0777;
        }
        return e.mode() == 0 ? 0644 : (e.mode() & 0777) | 0600;
    }

    private int directoryMode(ArchiveEntry e) {
        if (options.faithful()) {
            return e.mode() & 0777;
        }
        return e.mode() == 0 ? 0755 : (e.mode() & 0777) | 0700;
    }

    /** Copies an entry's content, counting what really arrives; -1 when it ended before its claimed size. */
    private long copy(EntryReader reader, ArchiveEntry e, Fd fd, String shownPath, byte[] buf, Reservation reservation,
                      Staged out, ArchiveSource source) throws IOException {
        InputStream in = reader.content();
        long written = 0;
        while (true) {
            progress.check(destAsked.toString());
            int n;
            try {
                n = in.read(buf);
            } catch (IOException e2) {
                throw new BadArchiveException(source.name(), source.name() + " is corrupt in entry " + shown(e) + ": " + e2.getMessage());
            }
            if (n < 0) {
                break;
            }
            if (e.size() >= 0 && written + n > e.size()) {
                throw new BadArchiveException(e.name(), "archive entry " + shown(e) + " is larger than the archive says");
            }
            reservation.ensure(out.bytes + n);
            s.write(fd, buf, 0, n, shownPath);
            written += n;
            out.bytes += n;
            progress.addBytes(n);
        }
        return e.size() >= 0 && written < e.size() ? -1 : written;
    }

    /**
     * Removes an earlier entry of the same name (the later one wins, as with tar), unless it is a directory; only
     * looked up when the name is {@code taken} in the staging tree already.
     */
    private void clear(Fd parent, byte[] leaf, boolean taken, ArchiveEntry e) throws IOException {
        if (!taken) {
            return;
        }
        Stat st = s.lstat(parent, leaf);
        if (st != null) {
            replaceable(parent, leaf, st, e);
        }
    }

    private void replaceable(Fd parent, byte[] leaf, Stat st, ArchiveEntry e) throws IOException {
        if (st.isDirectory()) {
            throw new BadArchiveException(e.name(), "archive entry " + shown(e) + " replaces a directory of the same archive");
        }
        s.unlink(parent, leaf, false, e.name());
    }

    /**
     * The staged directory that will hold {@code rel}, created as needed, walked from the staging directory
     * without following anything: a link or a file on the way refuses the entry.
     */
    private Fd stagedParent(Fd staging, JailPath rel, ArchiveEntry e) throws IOException {
        Fd current = null;
        List<String> parts = rel.parts();
        try {
            for (int i = 0; i < parts.size() - 1; i++) {
                byte[] name = parts.get(i).getBytes(StandardCharsets.UTF_8);
                Fd from = current == null ? staging : current;
                Fd next;
                try {
                    next = s.openChildDirectoryPath(from, name, rel.toString());
                } catch (NotFoundException missing) {
                    s.mkdir(from, name, 0700, rel.toString());
                    next = s.openChildDirectoryPath(from, name, rel.toString());
                } catch (NotADirectoryException | NotAFileException notDir) {
                    throw new BadArchiveException(e == null ? rel.toString() : e.name(), "archive entry "
                            + (e == null ? rel.toString() : shown(e)) + " lies inside a file or a link");
                }
                if (current != null) {
                    current.close();
                }
                current = next;
            }
            return current == null ? s.openChildDirectoryPath(staging, new byte[]{'.'}, rel.toString()) : current;
        } catch (IOException | RuntimeException ex) {
            if (current != null) {
                current.close();
            }
            throw ex;
        }
    }

    // ------------------------------------------------------------------ merge

    /**
     * Moves the staged tree into the destination: what is missing there is renamed in, directories are merged
     * into, files and links replace files and links. With {@code dryRun}, only collects the conflicts.
     */
    private void merge(Fd staged, Fd dest, JailPath destPath, boolean dryRun, List<String> conflicts, long[] replaced) throws IOException {
        try (DirReader reader = s.readDirectory(staged, null, destPath.toString())) {
            while (reader.next()) {
                byte[] name = reader.name();
                JailPath shownPath = destPath.child(JailPath.decode(name));
                Stat st = s.lstat(reader.dir(), name);
                Stat existing = s.lstat(dest, name);
                if (st == null) {
                    continue;
                }
                if (existing == null) {
                    if (!dryRun) {
                        s.rename(reader.dir(), name, dest, name, true, shownPath.toString());
                    }
                } else if (st.isDirectory() != existing.isDirectory()) {
                    conflicts.add(shownPath.toString());
                    if (!dryRun && options.archiveWins()) {
                        TreeDelete.removeTree(s, dest, name, shownPath.toString());
                        s.rename(reader.dir(), name, dest, name, true, shownPath.toString());
                    }
                } else if (st.isDirectory()) {
                    try (Fd from = s.openChildDirectoryPath(reader.dir(), name, shownPath.toString());
                         Fd to = s.openChildDirectoryPath(dest, name, shownPath.toString())) {
                        merge(from, to, shownPath, dryRun, conflicts, replaced);
                    }
                } else if (!dryRun) {
                    if (existing.isRegular() && existing.nlink() <= 1) {
                        replaced[0] += existing.size();
                    }
                    s.rename(reader.dir(), name, dest, name, false, shownPath.toString());
                }
            }
        }
    }
}
