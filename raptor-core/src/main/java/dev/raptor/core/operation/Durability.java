package dev.raptor.core.operation;

/**
 * Whether a write the store acknowledged is on disk yet. Most of the store's writes are synced before they return;
 * one that may wait for the next synced commit (which, the store's log being written in commit order, puts it on disk
 * too) says so with one of these, and whoever is about to tell a client of what it wrote {@link #sync syncs} it first.
 */
public interface Durability {

    /** A write that was synced before it returned. */
    Durability ON_DISK = new Durability() {
        @Override
        public boolean onDisk() {
            return true;
        }

        @Override
        public void sync() {
        }
    };

    /** Whether it is on disk now (a later synced commit, or a {@link #sync}, has put it there). */
    boolean onDisk();

    /**
     * Returns once it is on disk: at once when it already is, else after one sync of the store's log.
     *
     * @throws RuntimeException the store's own exception when it cannot sync
     */
    void sync();
}
