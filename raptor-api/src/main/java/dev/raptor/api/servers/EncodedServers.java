package dev.raptor.api.servers;

import dev.raptor.core.power.ServerFleet.ServerSnapshot;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.server.ServerList;
import dev.raptor.wire.server.ServerSpecDocument;
import dev.raptor.wire.server.ServerSpecJson;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each server's last answered document and its JSON bytes, so that {@code GET /servers} encodes only the servers
 * whose document changed since the last list; the rest of the answer is a copy of bytes.
 *
 * <p>A panel polls the list every few seconds, and each poll encoded every server again: its spec to its
 * document (maps, lists, durations as strings), then the whole document through Jackson, ~100 documents a
 * poll in a storm. A server's spec document is kept per stored version (the store bumps it on every change of
 * the spec); the live part (state, container, game, socket, next backup) is compared as a value, so a document
 * is never stale: it is reused only when equal to the one the bytes were written from. Holds one entry per
 * server (a few KiB each); a deleted server's is dropped at the next list.
 */
final class EncodedServers {
    private static final byte[] HEAD = "{\"servers\":[".getBytes(StandardCharsets.US_ASCII);

    /** What a server's bytes were written from, and the spec document of its {@code version}. */
    private record Encoded(long version, ServerSpecDocument spec, ServerDocument document, byte[] json) {
    }

    private final Map<UUID, Encoded> byServer = new ConcurrentHashMap<>();

    /** The spec document of {@code snapshot}'s stored version (encoded again only when the version moved). */
    ServerSpecDocument spec(ServerSnapshot snapshot) {
        Encoded e = byServer.get(snapshot.stored().id());
        return e != null && e.version() == snapshot.stored().version() ? e.spec() : ServerSpecJson.encode(snapshot.stored().spec());
    }

    /** {@code document}'s JSON, the kept bytes when it equals the document they were written from. */
    byte[] json(ServerSnapshot snapshot, ServerDocument document) {
        UUID id = snapshot.stored().id();
        Encoded e = byServer.get(id);
        if (e != null && e.document().equals(document)) {
            return e.json();
        }
        byte[] json = WireJson.writeBytes(document);
        byServer.put(id, new Encoded(snapshot.stored().version(), document.spec(), document, json));
        return json;
    }

    /**
     * The bytes of {@code new ServerList(documents)} as {@link WireJson} writes them, from each server's kept bytes;
     * {@code fleet} is every server that exists (the entries of the others are dropped).
     */
    byte[] list(List<byte[]> documents, List<ServerSnapshot> fleet) {
        if (byServer.size() > fleet.size()) {
            java.util.Set<UUID> ids = new java.util.HashSet<>();
            fleet.forEach(s -> ids.add(s.stored().id()));
            byServer.keySet().retainAll(ids);
        }
        byte[] tail = ("],\"count\":" + documents.size() + "}").getBytes(StandardCharsets.US_ASCII);
        int size = HEAD.length + Math.max(0, documents.size() - 1) + tail.length;
        for (byte[] d : documents) {
            size += d.length;
        }
        // one array of the answer's exact size: the list's only copy of the documents' bytes
        byte[] out = new byte[size];
        System.arraycopy(HEAD, 0, out, 0, HEAD.length);
        int at = HEAD.length;
        for (int i = 0; i < documents.size(); i++) {
            if (i > 0) {
                out[at++] = ',';
            }
            byte[] d = documents.get(i);
            System.arraycopy(d, 0, out, at, d.length);
            at += d.length;
        }
        System.arraycopy(tail, 0, out, at, tail.length);
        return out;
    }
}
