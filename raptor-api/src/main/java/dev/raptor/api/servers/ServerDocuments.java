package dev.raptor.api.servers;

import dev.raptor.backup.schedule.BackupTimetable;
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
import dev.raptor.wire.server.ServerSpecDocument;
import dev.raptor.wire.server.ServerSpecJson;

import java.time.Instant;

/** A fleet's view of a server as the {@link ServerDocument} the API answers. */
final class ServerDocuments {
    private ServerDocuments() {
    }

    static ServerDocument of(ServerSnapshot snapshot, GameStatuses games, MessageSockets messages, BackupTimetable backups) {
        return of(snapshot, ServerSpecJson.encode(snapshot.stored().spec()), games, messages, backups);
    }

    /** The same with the spec's document already made ({@link EncodedServers#spec}). */
    static ServerDocument of(ServerSnapshot snapshot, ServerSpecDocument spec, GameStatuses games, MessageSockets messages,
                             BackupTimetable backups) {
        StoredServer s = snapshot.stored();
        ServerController.View live = snapshot.live();
        MessageSocketState socket = messages.state(s.id());
        Instant nextBackup = s.spec().backups().schedule() == null ? null : backups.next(s.spec().id()).orElse(null);
        return new ServerDocument(spec, live.state().wireName(), live.desired().wireName(),
                s.version(), s.createdAt(), s.updatedAt(), live.crashLoop(), live.lastError(), live.containerId(),
                live.startedAt(), live.busyWith(), game(s.spec(), games), live.health().wireName(), socket.connected(),
                socket.lastCommunication(), nextBackup);
    }

    /** What the game said last, for a spec that names a query and was asked at least once; null otherwise. */
    static GameStatusDocument game(ServerSpec spec, GameStatuses games) {
        GameQuery q = spec.query();
        return q == null ? null : games.latest(spec.id()).map(r -> GameStatusDocument.of(r, q.protocol())).orElse(null);
    }
}
