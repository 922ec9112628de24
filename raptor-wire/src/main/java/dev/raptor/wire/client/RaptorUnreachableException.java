package dev.raptor.wire.client;

/**
 * No connection to the daemon could be made: nothing listens at the address (or the socket file is
 * missing), the caller may not connect, or the connect did not complete in time. The request was
 * not sent.
 */
public final class RaptorUnreachableException extends RaptorException {
    private final DaemonEndpoint endpoint;

    public RaptorUnreachableException(DaemonEndpoint endpoint, String reason, Throwable cause) {
        super("cannot reach the daemon at " + endpoint.describe() + ": " + reason, cause);
        this.endpoint = endpoint;
    }

    /** Where the client tried to connect. */
    public DaemonEndpoint endpoint() {
        return endpoint;
    }
}
