package dev.raptor.core.power;

import dev.raptor.core.event.RaptorEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A requested power action (start, stop, restart, kill, or a delete) got its answer: published by the
 * {@link ServerFleet} when the intent's future completes, for metrics and anyone else who counts.
 *
 * @param action  {@code start}, {@code stop}, {@code restart}, {@code kill} or {@code delete}
 * @param outcome {@code done}, {@code superseded} or {@code failed} (the {@link PowerResult} kind)
 * @param took    from the request to the answer
 */
public record PowerActionFinished(UUID serverId, Instant at, String action, String outcome, Duration took) implements RaptorEvent {

    @Override
    public String type() {
        return "server.power-finished";
    }

    static PowerActionFinished of(UUID serverId, String action, PowerResult result, Throwable error, long startedNanos) {
        String outcome = switch (result) {
            case PowerResult.Done d -> "done";
            case PowerResult.Superseded s -> "superseded";
            case PowerResult.Failed f -> "failed";
            case null -> "failed";
        };
        return new PowerActionFinished(serverId, Instant.now(), action, error != null ? "failed" : outcome,
                Duration.ofNanos(System.nanoTime() - startedNanos));
    }
}
