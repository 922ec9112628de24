package dev.raptor.wire.socketio;

/** The documented kinds of {@link GatewayError}, with their wire names. */
public enum GatewayErrorType {
    /** The event's payload is wrong: a member missing, of the wrong type, unknown, or out of range. */
    VALIDATION_ERROR("validation_error"),
    /** The engine (Docker, or the process runtime) failed or did not answer in time. */
    DOCKER_API_ERROR("docker_api_error"),
    /** No such server (or event). */
    NOT_FOUND("not_found"),
    /** The server's state forbids it (a port already allocated, a command to a server that is not running). */
    CONFLICT("conflict"),
    /** A message could not reach the server's program: messaging off, queue full, or not connected in time. */
    SOCKET_ERROR("socket_error"),
    /** The connection's credential does not allow the event on that server. */
    PERMISSION_DENIED("permission_denied"),
    /** Anything else; the daemon's log has the details under the same timestamp. */
    INTERNAL_ERROR("internal_error");

    private final String wireName;

    GatewayErrorType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
