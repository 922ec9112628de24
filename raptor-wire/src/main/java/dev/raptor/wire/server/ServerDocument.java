package dev.raptor.wire.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.raptor.wire.game.GameStatusDocument;

import java.time.Instant;

/**
 * A server as {@code GET /servers/{id}} answers it: its spec's members ({@link ServerSpecDocument}) and,
 * after them, the members Raptor maintains. Clients may echo the maintained members back in a create
 * or patch; they are ignored there ({@link #READ_ONLY}).
 *
 * @param state        what the server is observed doing: {@code offline}, {@code starting}, {@code running}, {@code stopping}
 * @param desiredState what it should be doing: {@code running} or {@code stopped}
 * @param version      the spec version, also the ETag ({@code "3"}) that {@code If-Match} repeats
 * @param crashLoop    whether the restart policy gave up after repeated crashes
 * @param lastError    the last failure of a power action or of the engine, null when none
 * @param containerId  the engine's id of its container, null when there is none
 * @param startedAt    when the current run started, null while offline
 * @param busyWith     the action the server's controller is carrying out, null when idle
 * @param game         what the game said when last asked, for a spec with a {@code query}; absent before the first query
 * @param health       what its health check says: {@code starting}, {@code healthy}, {@code unhealthy}, or {@code none}
 *                     (no check, or not running)
 * @param socketConnected   whether its program is connected to its message socket ({@code messaging}); false without one
 * @param lastCommunication the last message either way on its message socket (one sent, acknowledged or received) since
 *                          the daemon started, null when none
 */
public record ServerDocument(@JsonUnwrapped ServerSpecDocument spec, String state, String desiredState, long version,
                             Instant createdAt, Instant updatedAt, boolean crashLoop,
                             @JsonInclude(JsonInclude.Include.ALWAYS) String lastError,
                             @JsonInclude(JsonInclude.Include.ALWAYS) String containerId,
                             @JsonInclude(JsonInclude.Include.ALWAYS) Instant startedAt,
                             @JsonInclude(JsonInclude.Include.ALWAYS) String busyWith,
                             @JsonInclude(JsonInclude.Include.NON_NULL) GameStatusDocument game, String health,
                             boolean socketConnected, @JsonInclude(JsonInclude.Include.ALWAYS) Instant lastCommunication) {

    /** Members Raptor sets; accepted and ignored in requests. */
    public static final java.util.Set<String> READ_ONLY = java.util.Set.of("state", "desiredState", "version", "createdAt",
            "updatedAt", "crashLoop", "lastError", "containerId", "startedAt", "busyWith", "game", "health", "socketConnected",
            "lastCommunication");

    /** {@code "3"}: the ETag of a server at {@code version}, which If-Match must repeat. */
    public static String etag(long version) {
        return "\"" + version + "\"";
    }
}
