package dev.raptor.wire.operation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;
import java.util.Set;

/**
 * {@code POST /servers/{id}/power}: {@code {"action": "start|stop|restart|kill", "wait": true, "timeout": 60}}.
 *
 * @param waits   {@code wait}: whether to wait for the answer (default true; else 202 at once)
 * @param timeout seconds to wait at most before answering 202 (default and limit set by the daemon)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PowerRequest(String action, @JsonProperty("wait") Boolean waits, BigDecimal timeout) {
    /** The members a power request may have; any other is an error. */
    public static final Set<String> FIELDS = Set.of("action", "wait", "timeout");

    public static PowerRequest of(String action) {
        return new PowerRequest(action, null, null);
    }
}
