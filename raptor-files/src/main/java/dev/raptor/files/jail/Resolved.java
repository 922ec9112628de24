package dev.raptor.files.jail;

/**
 * Where a user path landed: the directory that holds it (pinned by an {@code O_PATH} descriptor) and its
 * name there, plus what the leaf is right now. Every use of a resolved path goes through {@code parent} and
 * {@code leaf} with a call that does not follow a link at the leaf ({@code O_NOFOLLOW}, {@code unlinkat},
 * {@code renameat2}, {@code AT_SYMLINK_NOFOLLOW}), so a leaf swapped for a link after this was resolved makes
 * that call fail instead of leaving the root.
 *
 * @param parent the directory holding the leaf; for the root itself, the root
 * @param leaf   the leaf's name in {@code parent} (file-system bytes), or null for the root
 * @param stat   the leaf now (a link is described, not followed), or null when nothing exists there
 * @param real   where the leaf really is, links resolved, relative to the root (deny rules are checked on it)
 * @param asked  the path as the user gave it (messages name it)
 */
public record Resolved(Fd parent, byte[] leaf, Stat stat, JailPath real, JailPath asked) implements AutoCloseable {

    public boolean isRoot() {
        return leaf == null;
    }

    public boolean exists() {
        return stat != null;
    }

    /** The same place with a fresher {@link Stat} (after creating or changing it). */
    public Resolved withStat(Stat s) {
        return new Resolved(parent, leaf, s, real, asked);
    }

    @Override
    public void close() {
        parent.close();
    }
}
