package dev.raptor.wire.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The program that holds a host port a server asked for ({@code port-in-use}), as far as the system tells.
 *
 * @param binding the port, {@code ip:port/protocol}
 * @param process the holder's command name, when known
 * @param pid     the holder's process id, when known
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PortHolder(String binding, String process, Long pid) {
}
