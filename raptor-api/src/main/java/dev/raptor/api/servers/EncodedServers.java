package dev.raptor.api.servers;

import dev.raptor.api.http.JsonPieces;
import dev.raptor.backup.schedule.BackupTimetable;
import dev.raptor.core.messaging.MessageSocketState;
import dev.raptor.core.messaging.MessageSockets;
import dev.raptor.core.power.ServerController;
import dev.raptor.core.power.ServerFleet.ServerSnapshot;
import dev.raptor.core.query.GameStatuses;
import dev.raptor.core.server.StoredServer;
import dev.raptor.wire.game.GameStatusDocument;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.server.ServerList;
import dev.raptor.wire.server.ServerSpecJson;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each server's last answered document as JSON bytes, so that {@code GET /servers} encodes only the servers whose
 * document changed since the last list; the rest of the answer is a copy of bytes.
 *
 * <p>A panel polls the list every few seconds, and each poll encoded every server again: its spec to its
 * document (maps, lists, durations as strings), then the whole document through Jackson, ~100 documents a
 * poll in a storm. A server's bytes are kept with what they were written from but the spec ({@link
 * ServerDocuments.Live}: the stored version, which the store bumps on every change of the spec, and the live part:
 * state, container, game, socket, next backup), compared as a value, so the bytes are never stale: they are reused
 * only when both are equal. Only the bytes and that small record are kept (about 1 KiB a server), never a
 * document: the spec's document is most of a document's objects and is made again from the spec when a server's
 * bytes are written again. A deleted server's entry is dropped at the next list.
 */
final class EncodedServers {
    private static final byte[] HEAD = "{\"servers\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMMA = {','};

    /** A server's bytes and what they were written from. */
    private record Encoded(ServerDocuments.Live live, byte[] json) {
    }

    private final Map<UUID, Encoded> byServer = new ConcurrentHashMap<>();

    /**
     * The JSON of {@code snapshot}'s document: the kept bytes while its members but the spec's are what they were
     * written from (compared in place: an unchanged server costs the list no new object).
     */
    byte[] json(ServerSnapshot snapshot, GameStatuses games, MessageSockets messages, BackupTimetable backups) {
        StoredServer stored = snapshot.stored();
        ServerController.View view = snapshot.live();
        MessageSocketState socket = messages.state(stored.id());
        GameStatusDocument game = ServerDocuments.game(stored.spec(), games);
        Instant nextBackup = ServerDocuments.nextBackup(stored.spec(), backups);
        Encoded e = byServer.get(stored.id());
        if (e != null && ServerDocuments.unchanged(e.live(), stored, view, socket, game, nextBackup)) {
            return e.json();
        }
        ServerDocuments.Live live = ServerDocuments.live(stored, view, socket, game, nextBackup);
        byte[] json = WireJson.writeBytes(ServerDocuments.of(ServerSpecJson.encode(stored.spec()), live));
        byServer.put(stored.id(), new Encoded(live, json));
        return json;
    }

    /**
     * The bytes of {@code new ServerList(documents)} as {@link WireJson} writes them, as pieces: the head, each
     * server's kept bytes and the commas between, the tail (no copy of the documents); {@code fleet} is every server
     * that exists (the entries of the others are dropped).
     */
    JsonPieces list(List<byte[]> documents, List<ServerSnapshot> fleet) {
        if (byServer.size() > fleet.size()) {
            java.util.Set<UUID> ids = new java.util.HashSet<>();
            fleet.forEach(s -> ids.add(s.stored().id()));
            byServer.keySet().retainAll(ids);
        }
        List<byte[]> pieces = new ArrayList<>(2 * documents.size() + 2);
        pieces.add(HEAD);
        for (int i = 0; i < documents.size(); i++) {
            if (i > 0) {
                pieces.add(COMMA);
            }
            pieces.add(documents.get(i));
        }
        pieces.add(("],\"count\":" + documents.size() + "}").getBytes(StandardCharsets.US_ASCII));
        return JsonPieces.of(pieces);
    }
}
