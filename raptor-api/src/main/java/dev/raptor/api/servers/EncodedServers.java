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

    /** The last list answered: its documents (the kept arrays, in order) and its pieces. */
    private record Answered(byte[][] documents, JsonPieces pieces) {
    }

    private final Map<UUID, Encoded> byServer = new ConcurrentHashMap<>();
    /** The last list made ({@link #list}), answered again while its documents are the same arrays. */
    private volatile Answered answered;

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
     * The bytes of {@code new ServerList(documents)} as {@link WireJson} writes them, for the documents of the servers of
     * {@code fleet} (every server that exists: the entries of the others are dropped) that {@code filter} lets through,
     * in order: as pieces (the head, each server's kept bytes and the commas between, the tail; no copy of the
     * documents). The same pieces as the last list's while its documents are the same kept arrays in the same order,
     * so that a poll of an unchanged fleet makes no new object, and the compressed answer kept for those pieces is
     * found by identity ({@link dev.raptor.api.http.PolledAnswer}).
     */
    JsonPieces list(List<ServerSnapshot> fleet, ServerFilter filter, GameStatuses games, MessageSockets messages,
                    BackupTimetable backups) {
        if (byServer.size() > fleet.size()) {
            java.util.Set<UUID> ids = new java.util.HashSet<>();
            fleet.forEach(s -> ids.add(s.stored().id()));
            byServer.keySet().retainAll(ids);
        }
        boolean everything = filter.passesEverything();
        Answered last = answered;
        byte[][] documents = null; // made at the first document that is not the last list's at its place
        int n = 0;
        for (int i = 0; i < fleet.size(); i++) { // by index: an iterator per poll is garbage too
            ServerSnapshot s = fleet.get(i);
            if (!everything && !filter.test(s)) {
                continue;
            }
            byte[] json = json(s, games, messages, backups);
            if (documents == null) {
                if (last != null && n < last.documents().length && last.documents()[n] == json) {
                    n++;
                    continue;
                }
                documents = new byte[fleet.size()][];
                System.arraycopy(last == null ? documents : last.documents(), 0, documents, 0, n);
            }
            documents[n++] = json;
        }
        if (documents == null && last != null && n == last.documents().length) {
            return last.pieces();
        }
        byte[][] exact = new byte[n][];
        if (n > 0) {
            System.arraycopy(documents == null ? last.documents() : documents, 0, exact, 0, n);
        }
        JsonPieces pieces = piecesOf(exact);
        answered = new Answered(exact, pieces);
        return pieces;
    }

    private static JsonPieces piecesOf(byte[][] documents) {
        List<byte[]> pieces = new ArrayList<>(2 * documents.length + 2);
        pieces.add(HEAD);
        for (int i = 0; i < documents.length; i++) {
            if (i > 0) {
                pieces.add(COMMA);
            }
            pieces.add(documents[i]);
        }
        pieces.add(("],\"count\":" + documents.length + "}").getBytes(StandardCharsets.US_ASCII));
        return JsonPieces.of(pieces);
    }
}
