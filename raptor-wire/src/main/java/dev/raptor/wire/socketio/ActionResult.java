package dev.raptor.wire.socketio;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The acknowledgement of a power or delete event that was carried out, or made moot by a later one.
 * (A failed one is acknowledged with a {@link GatewayError} instead.)
 *
 * @param containerId  the server
 * @param operation    the event ({@code start_container}...)
 * @param status       {@code done} or {@code superseded}
 * @param state        the server's observed state afterwards ({@code deleted} after a delete)
 * @param supersededBy for {@code superseded}: what made it moot
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ActionResult(String containerId, String operation, String status, String state, String supersededBy) {
}
