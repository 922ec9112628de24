package dev.raptor.files.usage;

import dev.raptor.files.jail.DirReader;
import dev.raptor.files.jail.Fd;
import dev.raptor.files.jail.LinuxCalls;
import dev.raptor.files.jail.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Measures a tree the way a quota sees it: the sizes of regular files, each inode once (a file with several hard
 * links is counted by its first name), links never followed, nothing allocated per file (names stay in the
 * {@code getdents64} buffer; only multiply-linked inodes are remembered). Directories deeper than
 * {@link #MAX_DEPTH} are skipped (and logged): a server cannot make the walk hold more descriptors than that.
 */
public final class TreeSize {
    public static final int MAX_DEPTH = 512;
    private static final Logger log = LoggerFactory.getLogger(TreeSize.class);

    /** What a walk counted. */
    public record Result(long bytes, long files, long directories) {
    }

    /** Called after each regular file counted (tests pause a scan here; production passes none). */
    @FunctionalInterface
    public interface Observer {
        Observer NONE = files -> {
        };

        void counted(long filesSoFar) throws InterruptedException;
    }

    private final Session session;
    private final BooleanSupplier cancelled;
    private final Observer observer;
    private final Set<InodeKey> linked = new HashSet<>();
    private long bytes;
    private long files;
    private long directories;

    private record InodeKey(long device, long inode) {
    }

    private TreeSize(Session session, BooleanSupplier cancelled, Observer observer) {
        this.session = session;
        this.cancelled = cancelled;
        this.observer = observer;
    }

    /** Measures everything beneath the session's root. */
    public static Result measure(Session session, BooleanSupplier cancelled, Observer observer) throws IOException, InterruptedException {
        TreeSize t = new TreeSize(session, cancelled, observer);
        try (DirReader top = session.readDirectory(session.root(), null, "/")) {
            t.walk(top, 0);
        }
        return new Result(t.bytes, t.files, t.directories);
    }

    private void walk(DirReader dir, int depth) throws IOException, InterruptedException {
        directories++;
        Fd fd = dir.dir();
        while (dir.next()) {
            if (cancelled.getAsBoolean()) {
                throw new InterruptedException("disk usage scan cancelled");
            }
            byte type = dir.type();
            if (type == LinuxCalls.DT_LNK) {
                continue;
            }
            if (type == LinuxCalls.DT_DIR) {
                descend(dir, depth);
                continue;
            }
            MemorySegment name = dir.nameSegment();
            if (session.lstatRaw(fd, name) < 0) {
                continue; // gone since it was listed
            }
            MemorySegment st = session.statBuffer();
            int format = formatOf(st);
            if (format == LinuxCalls.S_IFDIR) {
                descend(dir, depth);
            } else if (format == LinuxCalls.S_IFREG) {
                long nlink = Integer.toUnsignedLong(st.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 16));
                if (nlink > 1) {
                    long dev = ((long) st.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 136) << 32)
                            | Integer.toUnsignedLong(st.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 140));
                    if (!linked.add(new InodeKey(dev, st.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 32)))) {
                        continue;
                    }
                }
                bytes += st.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 40);
                files++;
                observer.counted(files);
            }
        }
    }

    private static int formatOf(MemorySegment st) {
        return Short.toUnsignedInt(st.get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 28)) & LinuxCalls.S_IFMT;
    }

    private void descend(DirReader parent, int depth) throws IOException, InterruptedException {
        if (depth + 1 >= MAX_DEPTH) {
            log.warn("disk usage skips a directory nested deeper than {} levels", MAX_DEPTH);
            return;
        }
        DirReader child;
        try {
            child = session.readDirectory(parent.dir(), parent.name(), "(walk)");
        } catch (IOException e) {
            return; // replaced or removed since it was listed
        }
        try (child) {
            walk(child, depth + 1);
        }
    }
}
