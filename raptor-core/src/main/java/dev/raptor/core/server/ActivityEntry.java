package dev.raptor.core.server;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One line of a server's activity log: what happened, when, and the facts behind it.
 *
 * @param id      store-assigned, increasing; used for paging
 * @param server  the server it is about
 * @param at      when it happened
 * @param type    machine-readable kind, e.g. {@code power.start}, {@code state}, {@code crash}, {@code crash-loop}
 * @param message human sentence
 * @param details extra facts (exit code, intent, error), string to string
 */
public record ActivityEntry(long id, UUID server, Instant at, String type, String message, Map<String, String> details) {
    public ActivityEntry {
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
