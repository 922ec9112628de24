package dev.raptor.wire.socketio;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * The acknowledgement of {@code send_message} (and the answer of {@code POST /servers/{id}/messages}):
 * the message was written to the program's connection.
 *
 * @param containerId the server
 * @param delivered   always true (a message that could not be delivered is answered with an error)
 * @param queuedFor   milliseconds it waited for the program to connect
 * @param deliveredAt when it was written
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record MessageAck(String containerId, boolean delivered, long queuedFor, Instant deliveredAt) {
}
