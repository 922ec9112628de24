package dev.raptor.wire.server;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;

/**
 * How a server is asked to stop before it is killed: {@code type} {@code command} (a console line),
 * {@code signal} or {@code rcon} (then with {@code port} and {@code password}).
 *
 * @param timeoutSeconds how long to wait before killing (fractions allowed)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StopDocument(String type, String value, BigDecimal timeoutSeconds, Integer port, String password) {
}
