package dev.raptor.core.server;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.operation.FinishedOperation;
import dev.raptor.core.operation.PendingOperation;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A {@link ServerStore} that publishes every activity entry it writes as {@link ServerEvent.ActivityRecorded},
 * so live views of the activity log (the Socket.IO gateway's {@code actor_event}) follow it without polling.
 * Everything else passes through.
 */
public final class ActivityPublishingStore implements ServerStore {
    private final ServerStore delegate;
    private final EventBus bus;

    private ActivityPublishingStore(ServerStore delegate, EventBus bus) {
        this.delegate = delegate;
        this.bus = bus;
    }

    /** {@code store}, publishing on {@code bus} (a store that already does is returned as it is). */
    public static ServerStore of(ServerStore store, EventBus bus) {
        return store instanceof ActivityPublishingStore p && p.bus == bus ? store : new ActivityPublishingStore(store, bus);
    }

    @Override
    public StoredServer create(ServerSpec spec) {
        return delegate.create(spec);
    }

    @Override
    public Created create(ServerSpec spec, String type, String message, Map<String, String> details) {
        Created created = delegate.create(spec, type, message, details);
        published(spec.id(), created.entry());
        return created;
    }

    @Override
    public Optional<StoredServer> find(UUID id) {
        return delegate.find(id);
    }

    @Override
    public List<StoredServer> list() {
        return delegate.list();
    }

    @Override
    public StoredServer update(UUID id, long expectedVersion, ServerSpec spec) {
        return delegate.update(id, expectedVersion, spec);
    }

    @Override
    public StoredServer setDesiredState(UUID id, DesiredState desired) {
        return delegate.setDesiredState(id, desired);
    }

    @Override
    public StoredServer setDesiredState(UUID id, DesiredState desired, PendingOperation begun) {
        return delegate.setDesiredState(id, desired, begun);
    }

    @Override
    public boolean delete(UUID id) {
        return delegate.delete(id);
    }

    @Override
    public boolean delete(UUID id, dev.raptor.core.node.PendingRemoval.Target pending) {
        return delegate.delete(id, pending);
    }

    @Override
    public boolean delete(UUID id, dev.raptor.core.node.PendingRemoval.Target pending, FinishedOperation answered) {
        return delegate.delete(id, pending, answered);
    }

    @Override
    public List<dev.raptor.core.node.PendingRemoval> pendingRemovals() {
        return delegate.pendingRemovals();
    }

    @Override
    public void removalFailed(long removalId, int attempts, java.time.Instant nextAttempt, String error) {
        delegate.removalFailed(removalId, attempts, nextAttempt, error);
    }

    @Override
    public void removalDone(long removalId) {
        delegate.removalDone(removalId);
    }

    @Override
    public ActivityEntry appendActivity(UUID server, String type, String message, Map<String, String> details) {
        return published(server, delegate.appendActivity(server, type, message, details));
    }

    @Override
    public ActivityEntry appendActivity(UUID server, String type, String message, Map<String, String> details,
                                        FinishedOperation answered) {
        return published(server, delegate.appendActivity(server, type, message, details, answered));
    }

    @Override
    public ActivityEntry appendPassingActivity(UUID server, String type, String message, Map<String, String> details) {
        return published(server, delegate.appendPassingActivity(server, type, message, details));
    }

    private ActivityEntry published(UUID server, ActivityEntry e) {
        if (e != null) {
            bus.publish(new ServerEvent.ActivityRecorded(server, e.at(), e));
        }
        return e;
    }

    @Override
    public List<ActivityEntry> activity(UUID server, long beforeId, int limit) {
        return delegate.activity(server, beforeId, limit);
    }
}
