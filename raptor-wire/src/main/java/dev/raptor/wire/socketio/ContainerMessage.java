package dev.raptor.wire.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * A message a server's program wrote to its message socket: the {@code container_message} event of
 * the connections subscribed to the server's {@code messages}.
 *
 * @param containerId the server
 * @param message     the line the program wrote, as JSON (a line that is not JSON arrives as a string)
 * @param timestamp   when the daemon read it
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ContainerMessage(String containerId, JsonNode message, Instant timestamp) {
}
