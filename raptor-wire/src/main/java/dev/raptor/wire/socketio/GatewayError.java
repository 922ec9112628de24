package dev.raptor.wire.socketio;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.raptor.core.validation.FieldError;

import java.time.Instant;
import java.util.List;

/**
 * A failed Socket.IO event, in the flow-manager's error format: the event's acknowledgement, or an
 * {@code error} event when the client asked for none.
 * <pre>{"error": true, "error_type": "not_found", "message": "no server 3f1c…", "details":
 *  {"container_id": "3f1c…", "operation": "start_container"}, "timestamp": "2025-01-19T10:30:00Z"}</pre>
 *
 * @param error     always true: how a client tells an error from an answer
 * @param errorType one of {@link GatewayErrorType}'s wire names
 * @param message   what went wrong, for people
 * @param details   which server and which event
 * @param timestamp when the daemon answered
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record GatewayError(boolean error, String errorType, String message, Details details, Instant timestamp) {

    public static GatewayError of(GatewayErrorType type, String message, String containerId, String operation) {
        return new GatewayError(true, type.wireName(), message, new Details(containerId, operation, List.of()), Instant.now());
    }

    public GatewayError withFields(List<FieldError> fields) {
        return new GatewayError(error, errorType, message, new Details(details.containerId(), details.operation(), fields), timestamp);
    }

    /**
     * @param containerId the server the event was about, when it named one
     * @param operation   the event's name ({@code start_container}...)
     * @param fields      for a {@code validation_error}: every bad member of the payload, named
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Details(@JsonInclude(JsonInclude.Include.ALWAYS) String containerId, String operation,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<FieldError> fields) {
        public Details {
            fields = fields == null ? List.of() : List.copyOf(fields);
        }
    }
}
