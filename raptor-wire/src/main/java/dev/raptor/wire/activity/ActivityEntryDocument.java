package dev.raptor.wire.activity;

import java.time.Instant;
import java.util.Map;

/**
 * One entry of a server's activity log.
 *
 * @param id      increasing; {@code ?before=<id>} pages past it
 * @param type    machine-readable kind, e.g. {@code power.start}, {@code state}, {@code crash}, {@code import}
 * @param message a sentence for people
 * @param details the facts behind it (exit code, intent, error), strings
 */
public record ActivityEntryDocument(long id, Instant at, String type, String message, Map<String, String> details) {
}
