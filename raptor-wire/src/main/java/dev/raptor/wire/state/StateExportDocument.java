package dev.raptor.wire.state;

import dev.raptor.core.archive.ExportedState;
import dev.raptor.core.server.StoredServer;
import dev.raptor.wire.server.ServerSpecDocument;
import dev.raptor.wire.server.ServerSpecJson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's state as one document, what {@code GET /state/export} answers and {@code POST /state/import}
 * takes back ({@link StateDocuments#read}):
 *
 * <pre>{@code
 * {"format": "raptor-state", "formatVersion": 1, "exportedAt": "2025-03-14T10:15:02.123Z",
 *  "servers": [{"spec": {...a ServerSpecDocument...}, "version": 3, "desired": "running",
 *               "createdAt": "...", "updatedAt": "..."}]}
 * }</pre>
 *
 * The activity log is not exported: it is history, not state.
 */
public record StateExportDocument(String format, int formatVersion, Instant exportedAt, List<Server> servers) {
    public static final String FORMAT = "raptor-state";
    public static final int FORMAT_VERSION = 1;

    /**
     * One server of the export.
     *
     * @param desired {@code running} or {@code stopped}
     */
    public record Server(ServerSpecDocument spec, long version, String desired, Instant createdAt, Instant updatedAt) {
        public static Server of(StoredServer s) {
            return new Server(ServerSpecJson.encode(s.spec()), s.version(), s.desired().wireName(), s.createdAt(),
                    s.updatedAt());
        }
    }

    public static StateExportDocument of(ExportedState state) {
        List<Server> servers = new ArrayList<>(state.servers().size());
        state.servers().forEach(s -> servers.add(Server.of(s)));
        return new StateExportDocument(FORMAT, FORMAT_VERSION, state.exportedAt(), List.copyOf(servers));
    }
}
