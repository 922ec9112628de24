package dev.raptor.wire.server;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;

/** A command the engine runs inside the server to tell whether it is healthy; durations in seconds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HealthCheckDocument(String command, BigDecimal intervalSeconds, BigDecimal timeoutSeconds, Integer retries,
                                  BigDecimal startPeriodSeconds) {
}
