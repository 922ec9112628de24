package dev.raptor.wire.socketio;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * The acknowledgement of {@code subscribe} and {@code unsubscribe}: what the connection now hears of the server.
 *
 * @param containerId the server
 * @param streams     of {@code console}, {@code stats}, {@code activity}, {@code messages}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Subscribed(String containerId, List<String> streams) {
    public Subscribed {
        streams = List.copyOf(streams);
    }
}
