package dev.raptor.core.power;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * When the engine was away: from the moment the runtime said it was going away (or its event stream broke)
 * until it answered again. A server that exits meanwhile was stopped by the engine (a package upgrade stops
 * every container, and a server that stops cleanly on SIGTERM exits 0), not by its operator and not by a crash:
 * it keeps its desired state, counts no crash, and is brought back with the others once the engine resumes.
 * Thread-safe: the fleet's event router writes, the controllers read.
 */
public final class EngineOutages {
    /**
     * Exits this much before the runtime noticed the engine going away are blamed on it too: the engine stops
     * containers as it goes, and the runtime's first news of it may come with (or after) the first exit.
     */
    static final Duration GRACE = Duration.ofSeconds(5);
    /** Outages remembered after they end, for exits found out about later. */
    private static final int KEPT = 8;

    /** One outage; {@code resumed} is null while it lasts. */
    record Outage(Instant interrupted, Instant resumed) {
        boolean covers(Instant exit) {
            return !exit.isBefore(interrupted.minus(GRACE)) && (resumed == null || !exit.isAfter(resumed));
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<Outage> outages = new ArrayDeque<>();

    /** The engine went away at {@code at}; nothing changes if an outage is already going on. */
    public void interrupted(Instant at) {
        lock.lock();
        try {
            if (outages.isEmpty() || outages.peekLast().resumed() != null) {
                outages.addLast(new Outage(at, null));
                while (outages.size() > KEPT) {
                    outages.removeFirst();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The engine answers again since {@code at}; ends the outage going on, if any. */
    public void resumed(Instant at) {
        lock.lock();
        try {
            Outage last = outages.peekLast();
            if (last != null && last.resumed() == null) {
                outages.removeLast();
                outages.addLast(new Outage(last.interrupted(), at.isBefore(last.interrupted()) ? last.interrupted() : at));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether the engine is away right now. */
    public boolean ongoing() {
        lock.lock();
        try {
            return !outages.isEmpty() && outages.peekLast().resumed() == null;
        } finally {
            lock.unlock();
        }
    }

    /** Whether an exit at {@code exitAt} happened while the engine was away (or just as it went). */
    public boolean explains(Instant exitAt) {
        lock.lock();
        try {
            for (Outage o : outages) {
                if (o.covers(exitAt)) {
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }
}
