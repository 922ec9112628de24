package dev.raptor.wire.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.UUID;

/**
 * The server that holds a port another one asked for.
 *
 * @param name    its name, when it still has one
 * @param binding what it holds, {@code ip:port/protocol}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConflictingServer(UUID id, String name, String binding) {
}
