package dev.raptor.wire.socketio;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * The answer to {@code get_status} and to the power events (the flow-manager's {@code ContainerStatus}).
 *
 * @param id                the server
 * @param state             observed: {@code offline}, {@code starting}, {@code running}, {@code stopping}
 * @param desiredState      {@code running} or {@code stopped}
 * @param health            {@code starting} while it boots, {@code healthy} while it runs, {@code unhealthy} in a
 *                          crash loop, {@code none} while offline
 * @param uptime            seconds since the current run started, null while offline
 * @param socketConnected   whether its program is connected to its message socket
 * @param lastCommunication the last message either way on that socket, null when none yet
 * @param resourceUsage     the latest reading
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ContainerStatusDocument(String id, String state, String desiredState, String health,
                                      @JsonInclude(JsonInclude.Include.ALWAYS) Double uptime, boolean socketConnected,
                                      @JsonInclude(JsonInclude.Include.ALWAYS) Instant lastCommunication,
                                      ResourceUsage resourceUsage) {
}
