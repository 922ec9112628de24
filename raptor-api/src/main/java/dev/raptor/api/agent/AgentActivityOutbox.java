package dev.raptor.api.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * On a node agent: the activity entries of file operations, kept by operation id until the manager collects them.
 * An operation's entry is written on its worker, not on a request, so it cannot ride on the answer that started it
 * when that answer was a {@code 202}; the manager, which follows every operation it was answered {@code 202} for,
 * takes them with the operation's document ({@code GET /operations/{id}}, header {@link AgentActivity#HEADER}), and the
 * answer of a request that waited for its operation carries them directly. Each entry is handed out once. Bounded: past
 * {@link #OPERATIONS} operations with entries not collected (a manager that restarted and forgot what it followed), the
 * oldest are dropped; every entry is in the agent's own log as well.
 */
final class AgentActivityOutbox {
    static final int OPERATIONS = 10_000;

    private final Map<String, List<AgentActivity>> byOperation = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<AgentActivity>> eldest) {
            return size() > OPERATIONS;
        }
    };

    synchronized void add(String operationId, AgentActivity entry) {
        byOperation.computeIfAbsent(operationId, k -> new ArrayList<>()).add(entry);
    }

    /** The entries of {@code operationId} not handed out yet (none: empty), now handed out. */
    synchronized List<AgentActivity> take(String operationId) {
        List<AgentActivity> out = operationId == null ? null : byOperation.remove(operationId);
        return out == null ? List.of() : out;
    }
}
