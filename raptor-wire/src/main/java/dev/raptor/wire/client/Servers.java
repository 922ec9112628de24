package dev.raptor.wire.client;

import dev.raptor.core.server.ServerSpec;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.server.ServerList;
import dev.raptor.wire.server.ServerSpecDocument;
import dev.raptor.wire.server.ServerSpecJson;
import org.eclipse.jetty.http.HttpMethod;

import java.util.UUID;

/** The node's servers ({@code /servers}): list them, create one, read one. */
public final class Servers {
    private final RaptorClient client;

    Servers(RaptorClient client) {
        this.client = client;
    }

    /** Every server, oldest first. */
    public ServerList list() {
        return list(ServerQuery.all());
    }

    /** The servers {@code query} selects, oldest first. */
    public ServerList list(ServerQuery query) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.GET, "/servers" + query.toQuery()), ServerList.class, null);
    }

    /**
     * The servers {@code query} selects as the daemon wrote them, byte for byte: for a caller that passes
     * the list on unread (a panel relaying it to a browser), which need not pay for reading it.
     */
    public byte[] listJson(ServerQuery query) {
        DaemonHttp http = client.http();
        return http.bytes(http.request(HttpMethod.GET, "/servers" + query.toQuery()), null);
    }

    /**
     * {@code POST /servers}: creates a server (offline until started) from its spec; members left null
     * take their defaults, an id left null is chosen by the daemon.
     *
     * @return the created server
     * @throws RaptorProblemException 400 naming every bad field, 409 for a port another server holds or an id taken
     */
    public ServerDocument create(ServerSpecDocument spec) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.POST, "/servers", spec, "application/json"), ServerDocument.class, null);
    }

    /**
     * Creates a server from a spec built and checked here ({@code ServerSpec.builder(image)...build()}
     * throws naming a bad field before anything is sent); its id is the spec's.
     */
    public ServerDocument create(ServerSpec spec) {
        return create(ServerSpecJson.encode(spec));
    }

    /** {@code GET /servers/{id}}; a 404 problem when there is none. */
    public ServerDocument get(UUID id) {
        return client.server(id).get();
    }
}
