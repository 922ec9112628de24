package dev.raptor.wire.console;

import java.util.List;
import java.util.UUID;

/** {@code GET /servers/{id}/logs}: the last lines of a server's output, oldest first. */
public record LogsDocument(UUID serverId, List<LogLineDocument> lines) {
}
