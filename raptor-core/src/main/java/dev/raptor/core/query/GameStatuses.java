package dev.raptor.core.query;

import java.util.Optional;
import java.util.UUID;

/** Where readers (the API's documents and stats) find what each queried server said last, without waiting. */
@FunctionalInterface
public interface GameStatuses {
    /** Nothing is queried on this node. */
    GameStatuses NONE = id -> Optional.empty();

    /** The server's latest query result; empty when its spec names no query or it was not asked yet. */
    Optional<QueryResult> latest(UUID serverId);
}
