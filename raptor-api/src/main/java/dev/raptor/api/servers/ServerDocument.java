package dev.raptor.api.servers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.core.power.ServerController;
import dev.raptor.core.power.ServerFleet.ServerSnapshot;
import dev.raptor.core.server.StoredServer;
import dev.raptor.store.json.ServerSpecJson;

import java.util.Set;

/**
 * The server document of the API: the spec's canonical JSON ({@link ServerSpecJson}) plus read-only
 * members that Raptor maintains. Clients may echo the read-only members back in a create or patch;
 * they are ignored there.
 */
public final class ServerDocument {

    /** Members Raptor sets; accepted and ignored in requests. */
    public static final Set<String> READ_ONLY = Set.of("state", "desiredState", "version", "createdAt", "updatedAt",
            "crashLoop", "lastError", "containerId", "startedAt", "busyWith");

    private ServerDocument() {
    }

    public static ObjectNode of(ServerSnapshot snapshot) {
        StoredServer s = snapshot.stored();
        ServerController.View live = snapshot.live();
        ObjectNode o = ServerSpecJson.encode(s.spec());
        o.put("state", live.state().wireName());
        o.put("desiredState", live.desired().wireName());
        o.put("version", s.version());
        o.put("createdAt", s.createdAt().toString());
        o.put("updatedAt", s.updatedAt().toString());
        o.put("crashLoop", live.crashLoop());
        if (live.lastError() != null) {
            o.put("lastError", live.lastError());
        } else {
            o.putNull("lastError");
        }
        putOrNull(o, "containerId", live.containerId());
        putOrNull(o, "startedAt", live.startedAt() == null ? null : live.startedAt().toString());
        putOrNull(o, "busyWith", live.busyWith());
        return o;
    }

    /** The spec document alone (what a merge patch applies to). */
    public static ObjectNode specOf(StoredServer stored) {
        return ServerSpecJson.encode(stored.spec());
    }

    /** {@code "3"}: the ETag of a server at {@code version}, which If-Match must repeat. */
    public static String etag(long version) {
        return "\"" + version + "\"";
    }

    private static void putOrNull(ObjectNode o, String name, String value) {
        if (value == null) {
            o.putNull(name);
        } else {
            o.put(name, value);
        }
    }
}
