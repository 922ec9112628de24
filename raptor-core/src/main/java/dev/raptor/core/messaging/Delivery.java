package dev.raptor.core.messaging;

import java.time.Duration;
import java.time.Instant;

/**
 * A message written to the program's connection.
 *
 * @param at     when
 * @param waited how long it waited for the program to connect (or for the messages before it)
 */
public record Delivery(Instant at, Duration waited) {
}
