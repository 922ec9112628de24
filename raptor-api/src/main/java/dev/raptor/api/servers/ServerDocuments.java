package dev.raptor.api.servers;

import dev.raptor.core.messaging.MessageSocketState;
import dev.raptor.core.messaging.MessageSockets;
import dev.raptor.core.power.ServerController;
import dev.raptor.core.power.ServerFleet.ServerSnapshot;
import dev.raptor.core.query.GameQuery;
import dev.raptor.core.query.GameStatuses;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.StoredServer;
import dev.raptor.wire.game.GameStatusDocument;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.server.ServerSpecJson;

/** A fleet's view of a server as the {@link ServerDocument} the API answers. */
final class ServerDocuments {
    private ServerDocuments() {
    }

    static ServerDocument of(ServerSnapshot snapshot, GameStatuses games, MessageSockets messages) {
        StoredServer s = snapshot.stored();
        ServerController.View live = snapshot.live();
        MessageSocketState socket = messages.state(s.id());
        return new ServerDocument(ServerSpecJson.encode(s.spec()), live.state().wireName(), live.desired().wireName(),
                s.version(), s.createdAt(), s.updatedAt(), live.crashLoop(), live.lastError(), live.containerId(),
                live.startedAt(), live.busyWith(), game(s.spec(), games), live.health().wireName(), socket.connected(),
                socket.lastCommunication());
    }

    /** What the game said last, for a spec that names a query and was asked at least once; null otherwise. */
    static GameStatusDocument game(ServerSpec spec, GameStatuses games) {
        GameQuery q = spec.query();
        return q == null ? null : games.latest(spec.id()).map(r -> GameStatusDocument.of(r, q.protocol())).orElse(null);
    }
}
