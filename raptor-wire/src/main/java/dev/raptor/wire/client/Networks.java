package dev.raptor.wire.client;

import dev.raptor.wire.network.NetworkCreateRequest;
import dev.raptor.wire.network.NetworkDocument;
import dev.raptor.wire.network.NetworkList;
import org.eclipse.jetty.http.HttpMethod;

/** The node's networks ({@code /networks}): list, create, remove. Servers join one by naming it in their spec. */
public final class Networks {
    private final RaptorClient client;

    Networks(RaptorClient client) {
        this.client = client;
    }

    /** {@code GET /networks}: the networks Raptor made, with the servers whose spec names each. */
    public NetworkList list() {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.GET, "/networks"), NetworkList.class, null);
    }

    /**
     * {@code POST /networks}: a bridge network.
     *
     * @throws RaptorProblemException 400 naming a bad member, 409 when the name is taken, 422 without networks
     */
    public NetworkDocument create(NetworkCreateRequest request) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.POST, "/networks", request, "application/json"), NetworkDocument.class, null);
    }

    /**
     * {@code DELETE /networks/{name}}.
     *
     * @throws RaptorProblemException 404 when Raptor has no such network, 409 while a server's spec names it
     */
    public void remove(String name) {
        DaemonHttp http = client.http();
        http.send(http.request(HttpMethod.DELETE, "/networks/" + DaemonHttp.segment(name)), null);
    }
}
