package dev.raptor.wire.client;

/**
 * The exchange with the daemon failed after it began: the connection broke, the answer did not come
 * within the call's deadline, or the answer was not the document the API promises. Whether the request
 * took effect is unknown (a power action can be read back through its operation, a server through its
 * version).
 */
public final class RaptorIoException extends RaptorException {
    public RaptorIoException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether the exchange failed because its deadline passed (rather than a broken connection or answer). */
    public boolean timedOut() {
        return getCause() instanceof java.util.concurrent.TimeoutException;
    }
}
