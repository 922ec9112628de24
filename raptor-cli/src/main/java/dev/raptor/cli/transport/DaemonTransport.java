package dev.raptor.cli.transport;

import java.io.IOException;

/** Carries HTTP requests to the daemon: over its Unix socket, or over TCP to a remote one. */
public interface DaemonTransport {

    /**
     * Sends {@code request} and returns once the response head has arrived; the body streams.
     *
     * @throws DaemonUnreachableException when no connection could be made (nothing listening, no permission)
     * @throws IOException                on a broken connection, a malformed answer or a timeout
     */
    DaemonResponse send(DaemonRequest request) throws IOException;

    /** Where requests go, for messages: {@code unix:///var/lib/raptor-daemon/raptor.sock} or a URL. */
    String describe();
}
