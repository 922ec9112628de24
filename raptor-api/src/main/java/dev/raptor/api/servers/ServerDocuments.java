package dev.raptor.api.servers;

import dev.raptor.core.power.ServerController;
import dev.raptor.core.power.ServerFleet.ServerSnapshot;
import dev.raptor.core.server.StoredServer;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.server.ServerSpecJson;

/** A fleet's view of a server as the {@link ServerDocument} the API answers. */
final class ServerDocuments {
    private ServerDocuments() {
    }

    static ServerDocument of(ServerSnapshot snapshot) {
        StoredServer s = snapshot.stored();
        ServerController.View live = snapshot.live();
        return new ServerDocument(ServerSpecJson.encode(s.spec()), live.state().wireName(), live.desired().wireName(),
                s.version(), s.createdAt(), s.updatedAt(), live.crashLoop(), live.lastError(), live.containerId(),
                live.startedAt(), live.busyWith());
    }
}
