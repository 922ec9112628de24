package dev.raptor.wire.socketio;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * Console lines of a server: the {@code console_output} event of the connections subscribed to its {@code console}.
 *
 * @param containerId the server
 * @param lines       the lines, oldest first
 * @param dropped     lines this connection lost before these because it read too slowly
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ConsoleOutput(String containerId, List<String> lines, long dropped) {
    public ConsoleOutput {
        lines = List.copyOf(lines);
    }
}
