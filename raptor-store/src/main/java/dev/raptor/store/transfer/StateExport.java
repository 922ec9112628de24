package dev.raptor.store.transfer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.core.server.StoredServer;
import dev.raptor.store.json.Json;
import dev.raptor.store.json.ServerSpecJson;

import java.time.Instant;
import java.util.List;

/**
 * Writes the store's state as one JSON document, the input of {@link StateImport}:
 *
 * <pre>{@code
 * {"format": "raptor-state", "formatVersion": 1, "exportedAt": "2025-03-14T10:15:02.123Z",
 *  "servers": [{"spec": {...ServerSpecJson...}, "version": 3, "desired": "running",
 *               "createdAt": "...", "updatedAt": "..."}]}
 * }</pre>
 *
 * The activity log is not exported: it is history, not state.
 */
public final class StateExport {
    public static final String FORMAT = "raptor-state";
    public static final int FORMAT_VERSION = 1;

    private StateExport() {
    }

    public static ObjectNode document(List<StoredServer> servers, Instant exportedAt) {
        ObjectNode doc = Json.object();
        doc.put("format", FORMAT);
        doc.put("formatVersion", FORMAT_VERSION);
        doc.put("exportedAt", exportedAt.toString());
        ArrayNode list = doc.putArray("servers");
        for (StoredServer s : servers) {
            ObjectNode n = list.addObject();
            n.set("spec", ServerSpecJson.encode(s.spec()));
            n.put("version", s.version());
            n.put("desired", s.desired().wireName());
            n.put("createdAt", s.createdAt().toString());
            n.put("updatedAt", s.updatedAt().toString());
        }
        return doc;
    }
}
