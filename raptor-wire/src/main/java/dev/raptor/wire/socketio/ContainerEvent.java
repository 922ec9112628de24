package dev.raptor.wire.socketio;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * What the daemon tells every connection that may see a server when its life changes: the events
 * {@code container_created}, {@code container_updated}, {@code container_started}, {@code container_stopped},
 * {@code container_deleted} and {@code status} (every observed state change).
 *
 * @param containerId the server
 * @param name        its name (null once deleted)
 * @param state       its observed state after the change
 * @param reason      why, when the daemon knows (a crash, a stop request)
 * @param timestamp   when
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContainerEvent(String containerId, String name, String state, String reason, Instant timestamp) {
}
