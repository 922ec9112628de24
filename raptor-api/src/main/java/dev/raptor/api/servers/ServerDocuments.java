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
import java.util.Objects;

/** A fleet's view of a server as the {@link ServerDocument} the API answers. */
final class ServerDocuments {
    private ServerDocuments() {
    }

    static ServerDocument of(ServerSnapshot snapshot, GameStatuses games, MessageSockets messages, BackupTimetable backups) {
        return of(ServerSpecJson.encode(snapshot.stored().spec()), live(snapshot, games, messages, backups));
    }

    /** The document of {@code spec} (the spec's document) and {@code live} (all the rest of it). */
    static ServerDocument of(ServerSpecDocument spec, Live live) {
        return new ServerDocument(spec, live.state(), live.desiredState(), live.version(), live.createdAt(), live.updatedAt(),
                live.crashLoop(), live.lastError(), live.containerId(), live.startedAt(), live.busyWith(), live.game(), live.health(),
                live.socketConnected(), live.lastCommunication(), live.nextBackupAt());
    }

    /** Every member of the server's document but its spec's: the stored version and what the server does now. */
    static Live live(ServerSnapshot snapshot, GameStatuses games, MessageSockets messages, BackupTimetable backups) {
        StoredServer s = snapshot.stored();
        return live(s, snapshot.live(), messages.state(s.id()), game(s.spec(), games), nextBackup(s.spec(), backups));
    }

    /** The same from its sources, each asked once by the caller. */
    static Live live(StoredServer s, ServerController.View live, MessageSocketState socket, GameStatusDocument game,
                     Instant nextBackup) {
        return new Live(live.state().wireName(), live.desired().wireName(), s.version(), s.createdAt(), s.updatedAt(),
                live.crashLoop(), live.lastError(), live.containerId(), live.startedAt(), live.busyWith(), game,
                live.health().wireName(), socket.connected(), socket.lastCommunication(), nextBackup);
    }

    /**
     * Whether {@code kept} equals what {@link #live(StoredServer, ServerController.View, MessageSocketState,
     * GameStatusDocument, Instant) live} makes of these sources, without making it: the polled list asks this of every
     * server on every poll, and a new record per server per poll was garbage the collector paid for in pauses.
     */
    static boolean unchanged(Live kept, StoredServer s, ServerController.View live, MessageSocketState socket,
                             GameStatusDocument game, Instant nextBackup) {
        return kept.version() == s.version() && kept.crashLoop() == live.crashLoop()
                && kept.socketConnected() == socket.connected()
                && kept.state().equals(live.state().wireName()) && kept.desiredState().equals(live.desired().wireName())
                && kept.health().equals(live.health().wireName())
                && Objects.equals(kept.createdAt(), s.createdAt()) && Objects.equals(kept.updatedAt(), s.updatedAt())
                && Objects.equals(kept.lastError(), live.lastError()) && Objects.equals(kept.containerId(), live.containerId())
                && Objects.equals(kept.startedAt(), live.startedAt()) && Objects.equals(kept.busyWith(), live.busyWith())
                && Objects.equals(kept.game(), game) && Objects.equals(kept.lastCommunication(), socket.lastCommunication())
                && Objects.equals(kept.nextBackupAt(), nextBackup);
    }

    /** When the server's next scheduled backup starts; null when its spec schedules none. */
    static Instant nextBackup(ServerSpec spec, BackupTimetable backups) {
        return spec.backups().schedule() == null ? null : backups.next(spec.id()).orElse(null);
    }

    /**
     * A {@link ServerDocument} without its spec, compared as a value: with the {@code version} (which the store bumps on
     * every change of the spec) it tells whether a server's document changed, without keeping the spec's document
     * (maps, lists, strings: most of a document's objects). Its members are the live view's own objects, so keeping
     * one costs little more than the record.
     */
    record Live(String state, String desiredState, long version, Instant createdAt, Instant updatedAt, boolean crashLoop,
                String lastError, String containerId, Instant startedAt, String busyWith, GameStatusDocument game, String health,
                boolean socketConnected, Instant lastCommunication, Instant nextBackupAt) {
    }

    /** What the game said last, for a spec that names a query and was asked at least once; null otherwise. */
    static GameStatusDocument game(ServerSpec spec, GameStatuses games) {
        GameQuery q = spec.query();
        return q == null ? null : games.latest(spec.id()).map(r -> GameStatusDocument.of(r, q.protocol())).orElse(null);
    }
}
