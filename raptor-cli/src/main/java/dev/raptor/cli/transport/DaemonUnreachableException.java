package dev.raptor.cli.transport;

import java.io.IOException;

/** No connection to the daemon could be made: nothing listens there, or we may not connect. */
public final class DaemonUnreachableException extends IOException {
    public DaemonUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
