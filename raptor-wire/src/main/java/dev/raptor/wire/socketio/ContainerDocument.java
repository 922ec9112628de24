package dev.raptor.wire.socketio;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.Map;

/**
 * A server as the Socket.IO gateway shows it (the flow-manager's {@code ContainerInfo}): the answer to
 * {@code create_container} and the elements of {@code list_containers}.
 *
 * @param id          the server's id, the {@code container_id} of every other event
 * @param name        its name
 * @param status      its observed state: {@code offline}, {@code starting}, {@code running}, {@code stopping}
 * @param image       its image, null on the process runtime without one
 * @param created     when it was created
 * @param socketPath  where its program finds its message socket (what {@code RAPTOR_SOCKET} says), null
 *                    without {@code messaging}
 * @param ports       its ports: container port ({@code "8080"}, {@code "27015/udp"}) to host port
 * @param environment its environment variables; empty for a connection with a server token
 * @param messaging   whether it has a message socket
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ContainerDocument(String id, String name, String status,
                                @JsonInclude(JsonInclude.Include.ALWAYS) String image, Instant created,
                                @JsonInclude(JsonInclude.Include.ALWAYS) String socketPath,
                                Map<String, Integer> ports, Map<String, String> environment, boolean messaging) {
    public ContainerDocument {
        ports = Map.copyOf(ports);
        environment = Map.copyOf(environment);
    }
}
