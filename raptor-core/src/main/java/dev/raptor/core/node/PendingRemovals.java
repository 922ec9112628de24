package dev.raptor.core.node;

import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.server.ServerStore;
import dev.raptor.core.server.StoredServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Removes the files of deleted servers that their node could not remove at the delete ({@link PendingRemoval}), once
 * the node answers again. One virtual thread of its own goes through the store's records: at boot, whenever a delete
 * leaves a record ({@link #wake}), and when the earliest record is due. A failed attempt is tried again after a delay
 * that doubles from {@link #FIRST_RETRY} up to {@link #LAST_RETRY} (a node that is down for days costs one call every
 * few minutes), and each attempt is bounded by its deadline, so a hung node holds up nothing but this thread; nothing
 * the API does ever waits for it. The files must go, so a record is kept until they are gone.
 *
 * <p>A record is never carried out once a new server has taken the deleted server's id (a later generation: the record's
 * own server went in the transaction that wrote the record): the files on that node may be the new server's now. The
 * record is dropped and the activity log says the old files were left to it.
 */
public final class PendingRemovals implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PendingRemovals.class);
    /** The delay after the first failed attempt; each further failure doubles it. */
    public static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    /** The longest delay between two attempts. */
    public static final Duration LAST_RETRY = Duration.ofMinutes(5);

    private final ServerStore store;
    private final NodeTransfers nodes;
    private final Duration attemptWithin;
    private final Semaphore wakeUp = new Semaphore(0);
    private volatile Thread loop;
    private volatile boolean closed;

    /**
     * @param attemptWithin how long one removal may take before it counts as failed (a node that does not answer)
     */
    public PendingRemovals(ServerStore store, NodeTransfers nodes, Duration attemptWithin) {
        this.store = store;
        this.nodes = nodes;
        this.attemptWithin = attemptWithin;
    }

    /** Starts the loop; its first round runs at once (the records a previous run of the daemon left). */
    public synchronized void start() {
        if (loop == null && !closed) {
            loop = Thread.ofVirtual().name("pending-removals").start(this::run);
        }
    }

    /** Makes the loop look at the records now (a delete just left one). */
    public void wake() {
        wakeUp.release();
    }

    /** How many removals each node still owes. */
    public Map<String, Long> countByNode() {
        return store.pendingRemovals().stream()
                .collect(java.util.stream.Collectors.groupingBy(r -> r.target().node(), java.util.stream.Collectors.counting()));
    }

    private void run() {
        while (!closed) {
            Instant next;
            try {
                next = round(Instant.now());
            } catch (RuntimeException e) {
                log.warn("pending removals: a round failed: {}", e.toString());
                next = Instant.now().plus(FIRST_RETRY);
            }
            try {
                long waitMs = next == null ? Long.MAX_VALUE : Math.max(1, Duration.between(Instant.now(), next).toMillis());
                wakeUp.tryAcquire(waitMs, TimeUnit.MILLISECONDS);
                wakeUp.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Tries every record that is due at {@code now}; returns when the earliest record left is due (null when none is
     * left).
     */
    Instant round(Instant now) {
        Instant earliest = null;
        for (PendingRemoval r : store.pendingRemovals()) {
            if (closed) {
                return null;
            }
            Instant due = r.nextAttempt().isAfter(now) ? r.nextAttempt() : attempt(r);
            if (due != null && (earliest == null || due.isBefore(earliest))) {
                earliest = due;
            }
        }
        return earliest;
    }

    /** One attempt; returns when the next is due, or null when the record is done. */
    private Instant attempt(PendingRemoval r) {
        PendingRemoval.Target t = r.target();
        Optional<StoredServer> again = store.find(t.serverId());
        if (again.isPresent()) {
            // a later generation (the record's own server is gone with the transaction that wrote it): its files there
            // may be the new server's now, which no stale record may touch
            store.removalDone(r.id());
            log.atInfo().addKeyValue("server", t.serverId()).addKeyValue("node", t.node())
                    .log("pending removal dropped: a new server has the id");
            store.appendActivity(t.serverId(), "delete", "the files of the deleted server with this id on node " + t.node()
                    + " were not removed: a new server took the id, and they may be its files now", details(t, r));
            return null;
        }
        try {
            nodes.removeFiles(t, Deadline.in(attemptWithin));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
            return null;
        } catch (Exception e) {
            int attempts = r.attempts() + 1;
            Instant next = Instant.now().plus(delayAfter(attempts));
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            store.removalFailed(r.id(), attempts, next, why);
            log.atInfo().addKeyValue("server", t.serverId()).addKeyValue("node", t.node()).addKeyValue("attempts", attempts)
                    .log("pending removal failed again, next at {}: {}", next, why);
            return next;
        }
        store.removalDone(r.id());
        log.atInfo().addKeyValue("server", t.serverId()).addKeyValue("node", t.node()).log("pending removal done");
        store.appendActivity(t.serverId(), "delete", "removed its files on node " + t.node() + ", " + (r.attempts() + 1)
                + " attempts after the delete (" + r.since() + ") could not", details(t, r));
        return null;
    }

    private static Map<String, String> details(PendingRemoval.Target t, PendingRemoval r) {
        return Map.of("node", t.node(), "volume", t.volume(), "since", r.since().toString());
    }

    /** The delay after {@code attempts} failed attempts: {@link #FIRST_RETRY}, doubled per attempt, at most {@link #LAST_RETRY}. */
    public static Duration delayAfter(int attempts) {
        Duration d = FIRST_RETRY;
        for (int i = 1; i < attempts && d.compareTo(LAST_RETRY) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : d;
    }

    /** Every record still to be carried out, oldest first. */
    public List<PendingRemoval> list() {
        return store.pendingRemovals();
    }

    @Override
    public void close() {
        closed = true;
        Thread t = loop;
        if (t != null) {
            t.interrupt();
        }
    }
}
