package dev.raptor.core.archive;

import dev.raptor.core.server.StoredServer;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Every server of a node as one commit left them, for an export.
 *
 * @param exportedAt when they were read
 * @param servers    oldest first
 */
public record ExportedState(Instant exportedAt, List<StoredServer> servers) {
    public ExportedState {
        Objects.requireNonNull(exportedAt, "exportedAt");
        servers = List.copyOf(servers);
    }
}
