package dev.raptor.wire.socketio;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * A resource reading: the {@code stats} event of the connections subscribed to a server's {@code stats}.
 *
 * @param containerId   the server
 * @param state         its observed state
 * @param resourceUsage the reading
 * @param timestamp     when it was taken
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StatsEvent(String containerId, String state, ResourceUsage resourceUsage, Instant timestamp) {
}
