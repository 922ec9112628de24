package dev.raptor.core.console;

import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.server.ServerState;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** What the controllers would say about each server's run, set by the test. */
public final class RunsDouble implements ServerRuns {
    private final Map<UUID, Run> runs = new ConcurrentHashMap<>();

    /** A run whose output begins at its start (the streaming double stamps lines when they are emitted). */
    public void set(UUID serverId, ServerState state, ContainerRef container, Instant startedAt) {
        runs.put(serverId, new Run(state, container, startedAt, startedAt));
    }

    /** A run whose start the controller does not know (one it adopted as it ran): no start, no output begin. */
    public void setStartUnknown(UUID serverId, ServerState state, ContainerRef container) {
        runs.put(serverId, new Run(state, container, null, null));
    }

    public void remove(UUID serverId) {
        runs.remove(serverId);
    }

    @Override
    public Optional<Run> current(UUID serverId) {
        return Optional.ofNullable(runs.get(serverId));
    }
}
