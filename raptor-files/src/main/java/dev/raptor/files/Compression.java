package dev.raptor.files;

import dev.raptor.files.archive.ArchiveFormat;
import dev.raptor.files.archive.CompressOptions;
import dev.raptor.files.archive.EntryWriter;
import dev.raptor.files.jail.Fd;
import dev.raptor.files.jail.JailPath;
import dev.raptor.files.jail.Resolved;
import dev.raptor.files.jail.Session;
import dev.raptor.files.jail.Stat;
import dev.raptor.files.usage.Reservation;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes paths of one server into an archive, reading every file through the jail (links are stored as links
 * when they point inside, never followed; FIFOs and devices are left out without being opened).
 */
final class Compression {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd_HHmmss").withZone(ZoneOffset.UTC);

    private final FilesContext ctx;
    private final Session s;
    private final EntryWriter writer;
    private final CompressOptions options;
    private final Progress progress;
    private final JailPath base;
    private final long skipDevice;
    private final long skipInode;
    private final List<String> skipped = new ArrayList<>();
    private long files;
    private long bytes;

    private Compression(FilesContext ctx, Session s, EntryWriter writer, CompressOptions options, Progress progress,
                        JailPath base, long skipDevice, long skipInode) {
        this.ctx = ctx;
        this.s = s;
        this.writer = writer;
        this.options = options;
        this.progress = progress;
        this.base = base;
        this.skipDevice = skipDevice;
        this.skipInode = skipInode;
    }

    static ArchiveResult toFile(FilesContext ctx, List<String> paths, String destination, ArchiveFormat format, Progress progress) throws IOException {
        requireWritable(format);
        List<JailPath> inputs = parse(paths);
        JailPath base = commonParent(inputs);
        JailPath dest = destination == null || destination.isBlank()
                ? base.child("archive-" + STAMP.format(java.time.Instant.now()) + "." + format.extension())
                : JailPath.of(destination).requireCreatableName();
        ctx.rules().requireWrite(dest, false);
        try (Session s = ctx.jail().open();
             Resolved target = s.resolveCreatingParents(dest, real -> ctx.rules().requireWrite(real, true))) {
            if (target.exists()) {
                throw new ConflictException(dest.toString(), dest + " already exists");
            }
            ctx.requireWrite(target, false);
            byte[] temp = FilesContext.tempName("archive");
            try (Reservation r = ctx.usage().reserve(0, ctx.quota(), dest.toString());
                 Fd fd = s.createExclusive(target.parent(), temp, 0644, dest.toString())) {
                Stat tempStat = s.fstat(fd);
                try {
                    long size;
                    ArchiveResult result;
                    try (FileChannel ch = s.reopen(fd, StandardOpenOption.WRITE)) {
                        OutputStream out = new QuotaStream(Channels.newOutputStream(ch), r, progress, dest.toString());
                        result = write(ctx, s, inputs, base, format, CompressOptions.DEFAULTS, out, progress, tempStat);
                        ch.force(true);
                        size = ch.size();
                    }
                    s.rename(target.parent(), temp, target.parent(), target.leaf(), true, dest.toString());
                    r.commit(size);
                    return new ArchiveResult(dest.toString(), format, size, result.files(), result.inputBytes(), result.skipped());
                } catch (IOException | RuntimeException e) {
                    try {
                        s.unlink(target.parent(), temp, false, dest.toString());
                    } catch (IOException | RuntimeException cleanup) {
                        e.addSuppressed(cleanup);
                    }
                    throw e;
                }
            }
        }
    }

    static ArchiveResult toStream(FilesContext ctx, List<String> paths, ArchiveFormat format, CompressOptions options,
                                  OutputStream out, Progress progress) throws IOException {
        requireWritable(format);
        boolean wholeRoot = paths.size() == 1 && JailPath.of(paths.getFirst()).isRoot();
        List<JailPath> inputs = wholeRoot ? List.of(JailPath.ROOT) : parse(paths);
        try (Session s = ctx.jail().open()) {
            CountingStream counted = new CountingStream(out);
            ArchiveResult r = write(ctx, s, inputs, wholeRoot ? JailPath.ROOT : commonParent(inputs), format, options,
                    counted, progress, null);
            return new ArchiveResult(null, format, counted.count, r.files(), r.inputBytes(), r.skipped());
        }
    }

    private static ArchiveResult write(FilesContext ctx, Session s, List<JailPath> inputs, JailPath base, ArchiveFormat format,
                                       CompressOptions options, OutputStream out, Progress progress, Stat skip) throws IOException {
        List<Resolved> resolved = new ArrayList<>();
        try {
            for (JailPath p : inputs) {
                Resolved r = s.resolve(p, false);
                resolved.add(r);
                ServerFiles.requireExists(r);
                ctx.requireRead(r, r.stat().isDirectory());
            }
            total(ctx, s, resolved, base, options, progress);
            try (EntryWriter w = EntryWriter.open(format, out, options)) {
                Compression c = new Compression(ctx, s, w, options, progress, base,
                        skip == null ? -1 : skip.device(), skip == null ? -1 : skip.inode());
                for (Resolved r : resolved) {
                    c.add(r);
                }
                w.finish();
                progress.finish();
                return new ArchiveResult(null, format, 0, c.files, c.bytes, c.skipped);
            }
        } finally {
            resolved.forEach(Resolved::close);
        }
    }

    private static void total(FilesContext ctx, Session s, List<Resolved> inputs, JailPath base, CompressOptions options,
                              Progress progress) throws IOException {
        long[] t = new long[2];
        for (Resolved r : inputs) {
            if (!r.asked().isRoot()) {
                t[1]++;
            }
            if (r.stat().isRegular()) {
                t[0] += r.stat().size();
            } else if (r.stat().isDirectory()) {
                try (Fd d = s.openDirectoryPath(r)) {
                    TreeWalk.walk(s, d, r.real(), new TreeWalk.Visitor() {
                        @Override
                        public boolean enter(Fd parent, byte[] name, JailPath path, Stat stat) {
                            if (ctx.rules().hides(path, true) || ignored(shown(path), true)) {
                                return false;
                            }
                            t[1]++;
                            return true;
                        }

                        @Override
                        public void visit(Fd parent, byte[] name, JailPath path, Stat stat) {
                            if (ignored(shown(path), false)) {
                                return;
                            }
                            t[1]++;
                            if (stat.isRegular()) {
                                t[0] += stat.size();
                            }
                        }


                        private JailPath shown(JailPath path) {
                            return r.asked().resolve(path.relativeTo(r.real()));
                        }

                        private boolean ignored(JailPath shown, boolean dir) {
                            return !options.ignore().isEmpty() && options.ignore().excludes(shown.relativeTo(base), dir);
                        }
                    }, progress);
                }
            }
        }
        progress.totals(t[0], t[1]);
    }

    private void add(Resolved r) throws IOException {
        JailPath asked = r.asked();
        String name = entryName(asked);
        Stat st = r.stat();
        if (asked.isRoot()) {
            // "./" first, as tar -C root -c . writes it: the archive of an empty root is still recognisably a tar,
            // and extraction skips the entry (the root's own mode and owner are Raptor's to keep).
            writer.directory("./", st.mode(), st.modified());
            try (Fd d = s.openDirectoryPath(r)) {
                addChildren(d, r.real(), asked);
            }
        } else if (st.isDirectory()) {
            writer.directory(name, st.mode(), st.modified());
            try (Fd d = s.openDirectoryPath(r)) {
                addChildren(d, r.real(), asked);
            }
        } else {
            addLeaf(r.parent(), r.leaf(), asked, r.real(), st);
        }
    }

    private void addChildren(Fd dir, JailPath real, JailPath asked) throws IOException {
        TreeWalk.walk(s, dir, real, new TreeWalk.Visitor() {
            @Override
            public boolean enter(Fd parent, byte[] name, JailPath path, Stat stat) throws IOException {
                JailPath shown = asked.resolve(path.relativeTo(real));
                if (ctx.rules().hides(path, true) || ignored(shown, true)) {
                    skipped.add(shown.toString());
                    return false;
                }
                writer.directory(entryName(shown), stat.mode(), stat.modified());
                return true;
            }

            @Override
            public void visit(Fd parent, byte[] name, JailPath path, Stat stat) throws IOException {
                addLeaf(parent, name, asked.resolve(path.relativeTo(real)), path, stat);
            }
        }, progress);
    }

    private void addLeaf(Fd parent, byte[] name, JailPath shown, JailPath real, Stat st) throws IOException {
        if (ctx.rules().hides(real, false) || ctx.rules().hides(shown, false) || ignored(shown, false)) {
            skipped.add(shown.toString());
            return;
        }
        if (st.device() == skipDevice && st.inode() == skipInode) {
            return; // the archive being written
        }
        if (st.isLink()) {
            byte[] target = s.readlink(parent, name, shown.toString());
            if (TreeCopy.staysInside(real, target) && s.linkStaysInside(real)) {
                writer.symlink(entryName(shown), JailPath.decode(target), st.modified());
            } else {
                skipped.add(shown.toString());
            }
            progress.addFile();
            return;
        }
        if (!st.isRegular()) {
            skipped.add(shown.toString());
            return;
        }
        Stat[] opened = new Stat[1];
        FileChannel ch;
        try {
            ch = s.openRegular(parent, name, shown.toString(), fresh -> {
                FilesContext.checkReadable(s, fresh, shown.toString());
                opened[0] = fresh;
            }, StandardOpenOption.READ);
        } catch (NotAFileException | NotFoundException e) {
            skipped.add(shown.toString()); // replaced by something else since it was listed
            return;
        }
        try (ch; InputStream in = progressStream(Channels.newInputStream(ch), shown.toString())) {
            Stat fresh = opened[0];
            writer.file(entryName(shown), fresh.mode(), fresh.modified(), fresh.size(), in);
            bytes += fresh.size();
            files++;
            progress.addFile();
        }
    }

    private boolean ignored(JailPath shown, boolean dir) {
        return !options.ignore().isEmpty() && options.ignore().excludes(shown.relativeTo(base), dir);
    }

    private String entryName(JailPath shown) {
        return String.join("/", shown.relativeTo(base).parts());
    }

    private InputStream progressStream(InputStream in, String shown) {
        return new java.io.FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                progress.check(shown);
                int n = super.read(b, off, len);
                if (n > 0) {
                    progress.addBytes(n);
                }
                return n;
            }
        };
    }

    private static void requireWritable(ArchiveFormat format) {
        if (!format.writable()) {
            throw new IllegalArgumentException("Raptor writes zip, tar, tar.gz and tar.zst archives, not " + format.extension());
        }
    }

    private static List<JailPath> parse(List<String> paths) throws IOException {
        if (paths.isEmpty()) {
            throw new BadPathException(null, "name at least one path to compress");
        }
        List<JailPath> out = new ArrayList<>();
        for (String p : paths) {
            JailPath j = JailPath.of(p);
            if (j.isRoot()) {
                throw new BadPathException("/", "name what to compress inside the root, not the root itself");
            }
            out.add(j);
        }
        return out;
    }

    /** The deepest directory holding every input. */
    static JailPath commonParent(List<JailPath> inputs) {
        List<String> common = new ArrayList<>(inputs.getFirst().parent().parts());
        for (JailPath p : inputs) {
            List<String> parent = p.parent().parts();
            int i = 0;
            while (i < common.size() && i < parent.size() && common.get(i).equals(parent.get(i))) {
                i++;
            }
            common = new ArrayList<>(common.subList(0, i));
        }
        return new JailPath(common);
    }

    /** Charges the quota as the archive grows; the write that cannot fit is refused before it lands. */
    private static final class QuotaStream extends FilterOutputStream {
        private final Reservation reservation;
        private final Progress progress;
        private final String path;
        private long written;

        QuotaStream(OutputStream out, Reservation reservation, Progress progress, String path) {
            super(out);
            this.reservation = reservation;
            this.progress = progress;
            this.path = path;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            progress.check(path);
            reservation.ensure(written + len);
            out.write(b, off, len);
            written += len;
        }

        @Override
        public void close() throws IOException {
            out.flush(); // the channel is the caller's to force and close
        }
    }

    private static final class CountingStream extends FilterOutputStream {
        private long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            out.flush(); // the stream is the caller's to close
        }
    }
}
