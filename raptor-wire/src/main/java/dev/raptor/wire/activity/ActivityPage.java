package dev.raptor.wire.activity;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * {@code GET /servers/{id}/activity}: a page of a server's activity log, newest first.
 *
 * @param next the path of the next (older) page, null on the last one
 */
public record ActivityPage(List<ActivityEntryDocument> entries, @JsonInclude(JsonInclude.Include.ALWAYS) String next) {
}
