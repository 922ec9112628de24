package dev.raptor.api.operations;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.core.power.PowerResult;
import dev.raptor.store.json.Json;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One submitted power action, delete or spec apply, and the answer it eventually gets. Its result is
 * the controller's {@link PowerResult}: every operation ends done, superseded or failed.
 *
 * @param id        its id, the {@code {opId}} of {@code GET /api/v1/operations/{opId}}
 * @param serverId  the server it acts on
 * @param action    {@code start}, {@code stop}, {@code restart}, {@code kill}, {@code delete}, {@code apply-spec}
 * @param createdAt when it was submitted
 * @param result    completes with the answer (never exceptionally)
 * @param finishedAt completes with the time of the answer
 */
public record Operation(String id, UUID serverId, String action, Instant createdAt,
                        CompletableFuture<PowerResult> result, CompletableFuture<Instant> finishedAt) {

    public static final String PATH = "/api/v1/operations/";

    public boolean finished() {
        return result.isDone();
    }

    public Optional<PowerResult> outcome() {
        return finished() ? Optional.ofNullable(result.getNow(null)) : Optional.empty();
    }

    public String href() {
        return PATH + id;
    }

    /** {@code pending}, {@code done}, {@code superseded} or {@code failed}. */
    public String status() {
        return outcome().map(r -> switch (r) {
            case PowerResult.Done d -> "done";
            case PowerResult.Superseded s -> "superseded";
            case PowerResult.Failed f -> "failed";
        }).orElse("pending");
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("id", id);
        o.put("href", href());
        o.put("serverId", serverId.toString());
        o.put("action", action);
        o.put("status", status());
        o.put("createdAt", createdAt.toString());
        Instant end = finishedAt.getNow(null);
        if (end == null) {
            o.putNull("finishedAt");
        } else {
            o.put("finishedAt", end.toString());
        }
        outcome().ifPresent(r -> {
            switch (r) {
                case PowerResult.Done d -> o.put("state", d.state().wireName());
                case PowerResult.Superseded s -> {
                    o.put("supersededBy", s.by() == null ? "shutdown" : s.by().describe());
                    o.put("reason", "superseded by " + (s.by() == null ? "the daemon shutting down" : "a later '" + s.by().describe() + "'"));
                }
                case PowerResult.Failed f -> o.put("reason", f.reason());
            }
        });
        return o;
    }
}
