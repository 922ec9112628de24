package dev.raptor.wire.update;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * {@code GET /servers/{id}/updates}: the version the server's files hold, how many updates it had (and how many
 * succeeded), and each of them, oldest first.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpdateHistory(String serverId, String version, int count, int succeeded, List<UpdateDocument> updates) {
}
