package dev.raptor.wire.socketio;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * The acknowledgement of {@code send_message} (and the answer of {@code POST /servers/{id}/messages}): the
 * server's program acknowledged the message ({@code {"ack": id}} on its message socket), so it has taken it.
 *
 * @param containerId the server
 * @param delivered   always true (a message the program did not acknowledge in time is answered with an error)
 * @param messageId   the id the program saw in the message's envelope, {@code {"id": ..., "message": ...}}
 * @param queuedFor   milliseconds from being queued to being acknowledged
 * @param deliveredAt when the program's acknowledgement arrived
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record MessageAck(String containerId, boolean delivered, long messageId, long queuedFor, Instant deliveredAt) {
}
