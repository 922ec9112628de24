package dev.raptor.query;

import dev.raptor.core.query.QueryResult;

import java.util.UUID;

/** Hears every query's outcome, on the querying virtual thread: keep it short and never block. */
public interface GameStatusListener {

    void result(UUID serverId, QueryResult result);

    /** The server is no longer asked (stopped, deleted, or its spec names no query): forget what it said. */
    default void forgotten(UUID serverId) {
    }
}
