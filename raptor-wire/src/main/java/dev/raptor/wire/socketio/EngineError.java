package dev.raptor.wire.socketio;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.raptor.wire.problem.Problem;

/**
 * A refused Engine.IO request (HTTP 400): an RFC 9457 problem, like every error of the daemon, that also
 * carries the reference server's two members, e.g. {@code "code": 1, "message": "Session ID unknown"}.
 *
 * @param type    {@code urn:raptor:problem:engine-io}
 * @param title   {@code Engine.IO request refused}
 * @param status  400
 * @param detail  what was wrong with the request
 * @param code    0 unknown transport, 1 unknown session, 2 bad handshake method, 3 bad request,
 *                4 forbidden, 5 unsupported protocol version
 * @param message the reference server's text for the code
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EngineError(String type, String title, int status, String detail, int code, String message) {

    public static EngineError of(int code, String message, String detail) {
        return new EngineError(Problem.TYPE_PREFIX + "engine-io", "Engine.IO request refused", 400, detail, code, message);
    }
}
