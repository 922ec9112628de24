package dev.raptor.wire.socketio;

/**
 * The body of a refused Engine.IO request (HTTP 400), as the reference server words it, e.g.
 * {@code {"code":1,"message":"Session ID unknown"}}.
 *
 * @param code    0 unknown transport, 1 unknown session, 2 bad handshake method, 3 bad request,
 *                4 forbidden, 5 unsupported protocol version
 * @param message the reference server's text for the code
 */
public record EngineError(int code, String message) {
}
