package dev.raptor.files;

import dev.raptor.files.jail.DirReader;
import dev.raptor.files.jail.Fd;
import dev.raptor.files.jail.JailPath;
import dev.raptor.files.jail.Session;
import dev.raptor.files.jail.Stat;

import java.io.IOException;

/**
 * Walks a directory tree through descriptors: each directory is opened relative to its parent's descriptor with
 * {@code O_NOFOLLOW}, so a walk never follows a link, and a directory swapped for a link mid-walk is seen as
 * a link (or is gone). Entries are described with {@code lstat}; the visitor decides what to descend into.
 */
final class TreeWalk {
    /** How deep a walk goes before refusing (a server cannot make Raptor hold more descriptors than this). */
    static final int MAX_DEPTH = 512;

    interface Visitor {
        /** A directory; answer whether to walk into it. */
        boolean enter(Fd parent, byte[] name, JailPath path, Stat stat) throws IOException;

        /** Anything that is not a directory: a regular file, a link, a special file. */
        void visit(Fd parent, byte[] name, JailPath path, Stat stat) throws IOException;

        /** After a directory's entries (children first: what a recursive delete needs). */
        default void leave(Fd parent, byte[] name, JailPath path, Stat stat) throws IOException {
        }
    }

    private TreeWalk() {
    }

    /**
     * Walks the entries of the directory {@code dir} (any descriptor of it), whose path is {@code path}.
     */
    static void walk(Session s, Fd dir, JailPath path, Visitor v, Progress progress) throws IOException {
        try (DirReader reader = s.readDirectory(dir, null, path.toString())) {
            walk(s, reader, path, v, progress, 0);
        }
    }

    private static void walk(Session s, DirReader reader, JailPath path, Visitor v, Progress progress, int depth) throws IOException {
        while (reader.next()) {
            progress.check(path.toString());
            byte[] name = reader.name();
            Stat st = s.lstat(reader.dir(), name);
            if (st == null) {
                continue; // removed since it was listed
            }
            JailPath child = path.child(JailPath.decode(name));
            if (!st.isDirectory()) {
                v.visit(reader.dir(), name, child, st);
                continue;
            }
            if (!v.enter(reader.dir(), name, child, st)) {
                continue;
            }
            if (depth + 1 >= MAX_DEPTH) {
                throw new BadPathException(child.toString(), child + " is nested deeper than " + MAX_DEPTH + " directories");
            }
            DirReader sub;
            try {
                sub = s.readDirectory(reader.dir(), name, child.toString());
            } catch (NotADirectoryException | NotFoundException e) {
                continue; // swapped for something else (a link) or removed since it was described: not followed
            }
            try (sub) {
                walk(s, sub, child, v, progress, depth + 1);
            }
            v.leave(reader.dir(), name, child, st);
        }
    }
}
