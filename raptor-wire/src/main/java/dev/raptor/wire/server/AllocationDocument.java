package dev.raptor.wire.server;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One port of a server. In a request {@code containerPort} defaults to {@code port}, {@code protocol}
 * to {@code tcp}, and {@code primary} to true for a lone allocation.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AllocationDocument(String ip, Integer port, Integer containerPort, String protocol, Boolean primary) {
}
