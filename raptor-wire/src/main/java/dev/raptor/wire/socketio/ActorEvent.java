package dev.raptor.wire.socketio;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.Map;

/**
 * One entry of a server's activity log as it is written: the {@code actor_event} of the connections
 * subscribed to the server's {@code activity}. Values that may be secrets (environment, tokens,
 * passwords) are never in it.
 *
 * @param containerId the server
 * @param type        the kind ({@code power.start}, {@code state}, {@code crash}, {@code message.received}...)
 * @param message     what happened, for people
 * @param details     the facts behind it
 * @param timestamp   when
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ActorEvent(String containerId, String type, String message, Map<String, String> details, Instant timestamp) {
    public ActorEvent {
        details = Map.copyOf(details);
    }
}
