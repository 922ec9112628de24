package dev.raptor.core.messaging;

import java.time.Duration;
import java.time.Instant;

/**
 * A message the server's program acknowledged ({@code {"ack": id}}): it has taken it.
 *
 * @param id     the message's id, as the program saw it in its envelope ({@link MessageProtocol})
 * @param at     when the acknowledgement arrived
 * @param waited how long from being queued to being acknowledged (waiting for the program to connect, for the
 *               messages before it, for the program itself)
 */
public record Delivery(long id, Instant at, Duration waited) {
}
