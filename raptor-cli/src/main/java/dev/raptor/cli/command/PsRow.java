package dev.raptor.cli.command;

import dev.raptor.wire.server.AllocationDocument;
import dev.raptor.wire.server.ServerDocument;

import java.time.Instant;
import java.util.List;

/**
 * What a {@code ps} table row (or {@code -q} line) shows of a server, read from its document: the full verb
 * makes it from the wire record, {@link dev.raptor.cli.QuickPs} from the list's JSON without the record mapper.
 *
 * @param id        the full id, empty when the document has none
 * @param name      the name, empty when none
 * @param image     the image, empty when none
 * @param state     the observed state, empty when none
 * @param ports     the PORTS cell, primary first ({@link #ports(List)})
 * @param createdAt when it was created, null when the document does not say (sorted oldest then, shown blank)
 */
public record PsRow(String id, String name, String image, String state, String ports, Instant createdAt) {

    /** The row of a server document. */
    public static PsRow of(ServerDocument s) {
        return new PsRow(ServerDocs.id(s), ServerDocs.name(s), s.spec().image() == null ? "" : s.spec().image(), ServerDocs.state(s),
                ServerDocs.ports(s), s.createdAt());
    }

    /** The PORTS cell of these allocations: {@code 0.0.0.0:25565->25565/tcp, ...}, primary first, like docker's. */
    public static String ports(List<AllocationDocument> allocations) {
        return ServerDocs.ports(allocations);
    }

    /** Whether plain {@code ps} (without {@code -a}) lists it: running, starting or stopping. */
    boolean active() {
        return ServerDocs.isActive(state);
    }

    Instant sortKey() {
        return createdAt == null ? Instant.EPOCH : createdAt;
    }
}
