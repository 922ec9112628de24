package dev.raptor.core.testing;

import dev.raptor.core.operation.Durability;
import dev.raptor.core.operation.FinishedOperation;
import dev.raptor.core.operation.OperationRecord;
import dev.raptor.core.operation.PendingOperation;
import dev.raptor.core.server.ActivityEntry;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.DuplicateServerException;
import dev.raptor.core.server.ServerNames;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerStore;
import dev.raptor.core.server.StaleVersionException;
import dev.raptor.core.server.StoredServer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The {@link ServerStore} contract in memory, for core's tests (core has no database; the real store is
 * raptor-store's SQLite one, which the other modules' lifecycle tests use). Nothing survives the object,
 * which is all "durable" means inside one test. It keeps the operations written with intents and with the states their
 * actions end in ({@link #operation}), as the SQLite store keeps them in its journal.
 */
public final class MemoryStore implements ServerStore {
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<UUID, StoredServer> servers = new LinkedHashMap<>();
    private final List<ActivityEntry> activity = new ArrayList<>();
    private final java.util.Set<Long> passingIds = new java.util.HashSet<>();
    private final Map<Long, dev.raptor.core.node.PendingRemoval> removals = new LinkedHashMap<>();
    private long removalIds;
    private final Map<String, OperationRecord> operations = new LinkedHashMap<>();
    private volatile Consumer<ActivityEntry> onActivity = e -> { };

    /**
     * Runs {@code hook} with each activity entry as it is appended, on the appending thread and outside the store's
     * lock: a test's way to act at an exact point of the lifecycle (an entry is written at each state change).
     */
    public void onActivity(Consumer<ActivityEntry> hook) {
        onActivity = hook;
    }

    @Override
    public StoredServer create(ServerSpec spec) {
        lock.lock();
        try {
            if (servers.containsKey(spec.id())) {
                throw new DuplicateServerException(spec.id());
            }
            ServerNames.check(spec.id(), spec.name(), null, names());
            Instant now = Instant.now();
            StoredServer s = new StoredServer(spec, 1, DesiredState.STOPPED, now, now);
            servers.put(spec.id(), s);
            return s;
        } finally {
            lock.unlock();
        }
    }

    /** Guarded by {@link #lock}. */
    private Map<UUID, String> names() {
        Map<UUID, String> names = new LinkedHashMap<>();
        servers.forEach((id, s) -> names.put(id, s.spec().name()));
        return names;
    }

    @Override
    public Optional<StoredServer> find(UUID id) {
        lock.lock();
        try {
            return Optional.ofNullable(servers.get(id));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<StoredServer> list() {
        lock.lock();
        try {
            return List.copyOf(servers.values());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public StoredServer update(UUID id, long expectedVersion, ServerSpec spec) {
        lock.lock();
        try {
            StoredServer s = existing(id);
            if (s.version() != expectedVersion) {
                throw new StaleVersionException(id, expectedVersion, s.version());
            }
            ServerNames.check(id, spec.name(), s.spec().name(), names());
            StoredServer next = new StoredServer(spec, s.version() + 1, s.desired(), s.createdAt(), Instant.now());
            servers.put(id, next);
            return next;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public StoredServer setDesiredState(UUID id, DesiredState desired) {
        lock.lock();
        try {
            StoredServer s = existing(id);
            StoredServer next = new StoredServer(s.spec(), s.version(), desired, s.createdAt(), Instant.now());
            servers.put(id, next);
            return next;
        } finally {
            lock.unlock();
        }
    }

    /** {@inheritDoc} The record with the desired state, under one lock (every write here is "on disk" when it returns). */
    @Override
    public StoredServer setDesiredState(UUID id, DesiredState desired, PendingOperation begun) {
        if (begun == null) {
            return setDesiredState(id, desired);
        }
        lock.lock();
        try {
            existing(id);
            operations.put(begun.record().id(), begun.record());
            StoredServer next = setDesiredState(id, desired);
            begun.committed(Durability.ON_DISK);
            return next;
        } finally {
            lock.unlock();
        }
    }

    /** The operation as written with its intent, or as answered by the commit of the state its action ended in. */
    public Optional<OperationRecord> operation(String id) {
        lock.lock();
        try {
            return Optional.ofNullable(operations.get(id));
        } finally {
            lock.unlock();
        }
    }

    /** Guarded by {@link #lock}: an answer is final. */
    private void answer(FinishedOperation answered) {
        if (answered != null) {
            operations.merge(answered.answer().id(), answered.answer(), (was, now) -> was.finished() ? was : now);
        }
    }

    private StoredServer existing(UUID id) {
        StoredServer s = servers.get(id);
        if (s == null) {
            throw new ServerNotFoundException(id);
        }
        return s;
    }

    @Override
    public boolean delete(UUID id) {
        return delete(id, null);
    }

    @Override
    public boolean delete(UUID id, dev.raptor.core.node.PendingRemoval.Target pending) {
        return delete(id, pending, null);
    }

    @Override
    public boolean delete(UUID id, dev.raptor.core.node.PendingRemoval.Target pending, FinishedOperation answered) {
        lock.lock();
        try {
            answer(answered);
            boolean existed = servers.remove(id) != null;
            if (existed && pending != null) {
                long n = ++removalIds;
                removals.put(n, new dev.raptor.core.node.PendingRemoval(n, pending, Instant.now(), 1,
                        Instant.now().plus(dev.raptor.core.node.PendingRemovals.delayAfter(1)), pending.reason()));
            }
            return existed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<dev.raptor.core.node.PendingRemoval> pendingRemovals() {
        lock.lock();
        try {
            return List.copyOf(removals.values());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void removalFailed(long removalId, int attempts, Instant nextAttempt, String error) {
        lock.lock();
        try {
            removals.computeIfPresent(removalId, (k, r) -> new dev.raptor.core.node.PendingRemoval(k, r.target(), r.since(), attempts,
                    nextAttempt, error));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void removalDone(long removalId) {
        lock.lock();
        try {
            removals.remove(removalId);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ActivityEntry appendActivity(UUID server, String type, String message, Map<String, String> details) {
        return append(server, type, message, details, false, null);
    }

    /** {@inheritDoc} The hook ({@link #onActivity}) runs before it returns: the answer is written, not yet told. */
    @Override
    public ActivityEntry appendActivity(UUID server, String type, String message, Map<String, String> details,
                                        FinishedOperation answered) {
        return append(server, type, message, details, false, answered);
    }

    /** Kept like any entry; {@link #passing} tells it apart (a store on disk would not sync its commit). */
    @Override
    public ActivityEntry appendPassingActivity(UUID server, String type, String message, Map<String, String> details) {
        return append(server, type, message, details, true, null);
    }

    /** Whether the entry was appended with {@link #appendPassingActivity}. */
    public boolean passing(ActivityEntry entry) {
        lock.lock();
        try {
            return passingIds.contains(entry.id());
        } finally {
            lock.unlock();
        }
    }

    private ActivityEntry append(UUID server, String type, String message, Map<String, String> details, boolean passing,
                                 FinishedOperation answered) {
        ActivityEntry e;
        lock.lock();
        try {
            answer(answered);
            e = new ActivityEntry(activity.size() + 1, server, Instant.now(), type, message, details);
            activity.add(e);
            if (passing) {
                passingIds.add(e.id());
            }
        } finally {
            lock.unlock();
        }
        onActivity.accept(e);
        return e;
    }

    @Override
    public List<ActivityEntry> activity(UUID server, long beforeId, int limit) {
        lock.lock();
        try {
            List<ActivityEntry> out = new ArrayList<>();
            for (int i = activity.size() - 1; i >= 0 && out.size() < limit; i--) {
                ActivityEntry e = activity.get(i);
                if (e.server().equals(server) && e.id() < beforeId) {
                    out.add(e);
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }
}
