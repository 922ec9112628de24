package dev.raptor.api.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.files.RestoreResult;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What became of the last restores the manager asked a node agent for, by the id the manager gave each request: the
 * answer of {@link AgentBackupRoutes#RESTORE} is a long frame stream, and a connection that breaks before its last
 * frame says nothing about the node's files (the swap may have happened). The manager then asks here
 * ({@link AgentBackupRoutes#RESTORE_OUTCOME}) instead of guessing. Kept in memory, the last {@value #PER_SERVER} per
 * server for {@link #KEPT}: an agent that restarted has forgotten them, and the manager says the outcome is unknown.
 */
final class AgentRestores {
    static final int PER_SERVER = 8;
    static final Duration KEPT = Duration.ofHours(1);

    /** The outcome document: {@code running}, {@code completed} with the result, or {@code failed} with the problem. */
    record Outcome(UUID request, UUID backup, String state, RestoreResult result, JsonNode problem) {
        static final String RUNNING = "running";
        static final String COMPLETED = "completed";
        static final String FAILED = "failed";
    }

    private final Clock clock;
    private final Map<UUID, Deque<Kept>> byServer = new HashMap<>();

    private record Kept(Outcome outcome, Instant at) {
    }

    AgentRestores(Clock clock) {
        this.clock = clock;
    }

    void running(UUID server, UUID request, UUID backup) {
        put(server, new Outcome(request, backup, Outcome.RUNNING, null, null));
    }

    void completed(UUID server, UUID request, UUID backup, RestoreResult result) {
        put(server, new Outcome(request, backup, Outcome.COMPLETED, result, null));
    }

    void failed(UUID server, UUID request, UUID backup, JsonNode problem) {
        put(server, new Outcome(request, backup, Outcome.FAILED, null, problem));
    }

    synchronized Optional<Outcome> find(UUID server, UUID request) {
        Deque<Kept> kept = byServer.get(server);
        if (kept == null) {
            return Optional.empty();
        }
        expire(kept);
        if (kept.isEmpty()) {
            byServer.remove(server);
        }
        return kept.stream().map(Kept::outcome).filter(o -> o.request().equals(request)).findFirst();
    }

    private synchronized void put(UUID server, Outcome outcome) {
        Deque<Kept> kept = byServer.computeIfAbsent(server, s -> new ArrayDeque<>());
        kept.removeIf(k -> k.outcome().request().equals(outcome.request()));
        kept.addFirst(new Kept(outcome, clock.instant()));
        while (kept.size() > PER_SERVER) {
            kept.removeLast();
        }
        expire(kept);
    }

    private void expire(Deque<Kept> kept) {
        Instant oldest = clock.instant().minus(KEPT);
        kept.removeIf(k -> k.at().isBefore(oldest) && !k.outcome().state().equals(Outcome.RUNNING));
    }
}
